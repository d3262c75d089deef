package dev.tokentally.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.app.AppConfig;
import dev.tokentally.app.ConfigLoader;
import dev.tokentally.testing.AppEnvironment;
import dev.tokentally.testing.ChildApp;
import dev.tokentally.testing.FreePort;
import dev.tokentally.testing.HttpGet;
import dev.tokentally.testing.MemorySampler;
import dev.tokentally.testing.MinimalPdf;
import dev.tokentally.testing.PerClassBroker;
import dev.tokentally.testing.PrometheusText;
import dev.tokentally.testing.TextCorpus;
import dev.tokentally.testing.TopicIo;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.IntFunction;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 27, part 5 (docs/reliability.md, scenario 7): the biggest real shapes within the record
 * size limit ({@code tokentally.request.max.bytes}, 8 MiB) through the packaged jar with {@code
 * -Xmx512m} on a real broker: long PDFs, 100k-token prose and prose up to the limit, 500 tool
 * definitions, a 1,000-turn conversation, large PNG and JPEG images, WAV and MP3 audio and MP4
 * video, for Anthropic and Gemini where the vendor takes them, then one record just over the limit
 * and a few ordinary ones. Every one is produced alone, after the last one's output arrived, so the
 * app's own {@code tokentally_count_duration_seconds} tells its processing time, and a {@link
 * MemorySampler} its heap while it was in flight.
 *
 * <p>Each lands exactly once (read_committed) on the enriched topic with a positive count or on the
 * dead-letter topic with the code decided for its shape, and the app stays RUNNING. Generated from
 * a fixed seed ({@code -Dtokentally.reliability.seed}).
 */
class LargestRequestsIT {
  private static final long SEED = Long.getLong("tokentally.reliability.seed", 42);
  private static final long HEAP_LIMIT = 512L * 1024 * 1024;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final String CLAUDE = "claude-sonnet-4-5";
  private static final String GEMINI = "gemini-2.5-flash";

  @RegisterExtension static final PerClassBroker broker = new PerClassBroker();

  @TempDir Path workDir;

  /**
   * One record: its name (also its key), its value, and where it must land: null for enriched, or
   * the dead-letter code.
   */
  record Shape(String name, byte[] value, String expectedCode, String why) {}

  /** What came out for one record, and what it cost. */
  record Measured(
      Shape shape,
      String topic,
      String code,
      String message,
      long tokens,
      double appSeconds,
      double endToEndSeconds,
      long maxHeap,
      long maxLive,
      long maxRss) {}

  @Test
  void theLargestRealRequestsAreCountedOrRefusedWithTheirCodeAndTheAppStaysUp() throws Exception {
    int port = FreePort.find();
    Map<String, String> env =
        AppEnvironment.on(
            broker.bootstrapServers(),
            "tokentally-largest-" + UUID.randomUUID().toString().substring(0, 8),
            workDir.resolve("state"));
    env.put("TOKENTALLY_HTTP_PORT", String.valueOf(port));
    AppConfig config = ConfigLoader.load(null, env);
    int maxBytes = config.requestMaxBytes();
    String base = "http://localhost:" + port;
    List<IntFunction<Shape>> shapes = shapes(maxBytes);
    List<Measured> measured = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();

    try (ChildApp app = new ChildApp("tokentally", workDir, "512m", env)) {
      app.start(Duration.ofSeconds(60));
      long started = System.nanoTime();
      try (KafkaProducer<byte[], byte[]> producer = producer(maxBytes);
          KafkaConsumer<byte[], byte[]> out = TopicIo.committedReader(broker.bootstrapServers())) {
        out.subscribe(List.of(config.topics().enriched(), config.topics().deadLetter()));
        for (int i = 0; i < shapes.size(); i++) {
          Shape shape = shapes.get(i).apply(maxBytes);
          double[] before = countDuration(base);
          try (MemorySampler memory = new MemorySampler(base, app.pid(), 100)) {
            long sent = System.nanoTime();
            producer.send(
                new ProducerRecord<>(
                    config.topics().requests(),
                    null,
                    shape.name().getBytes(StandardCharsets.UTF_8),
                    shape.value(),
                    List.of(
                        new org.apache.kafka.common.header.internals.RecordHeader(
                            "X-Opper-Name", "largest".getBytes(StandardCharsets.UTF_8)))));
            producer.flush();
            ConsumerRecord<byte[], byte[]> result = awaitOutput(out, shape.name(), seen);
            double endToEnd = (System.nanoTime() - sent) / 1e9;
            memory.stop();
            double[] after = countDuration(base);
            JsonNode value = MAPPER.readTree(result.value());
            boolean enriched = result.topic().equals(config.topics().enriched());
            measured.add(
                new Measured(
                    shape,
                    enriched ? "enriched" : "dead letter",
                    enriched ? null : value.at("/error/code").asText(),
                    enriched ? null : value.at("/error/message").asText(),
                    enriched ? tokens(value) : -1,
                    after[1] - before[1],
                    endToEnd,
                    memory.maxHeap(),
                    memory.maxLive(),
                    memory.maxRss()));
            assertThat(after[0] - before[0]).as("%s counted once by the app", shape.name()).isOne();
          }
        }
        // Anything late or repeated would show up now.
        long settle = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < settle) {
          for (ConsumerRecord<byte[], byte[]> r : out.poll(Duration.ofMillis(200))) {
            seen.merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum);
          }
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;

      print(measured, maxBytes, seconds);
      assertThat(seen).hasSize(shapes.size());
      assertThat(seen).allSatisfy((key, times) -> assertThat(times).as(key).isOne());
      for (Measured m : measured) {
        if (m.shape().expectedCode() == null) {
          assertThat(m.code())
              .as(
                  "%s is counted (%s), not refused: %s",
                  m.shape().name(), m.shape().why(), m.message())
              .isNull();
          assertThat(m.tokens()).as("%s has a positive count", m.shape().name()).isPositive();
        } else {
          assertThat(m.code())
              .as("%s is refused (%s): %s", m.shape().name(), m.shape().why(), m.message())
              .isEqualTo(m.shape().expectedCode());
        }
        assertThat(m.maxHeap()).as("%s heap", m.shape().name()).isLessThanOrEqualTo(HEAP_LIMIT);
      }
      assertThat(app.isAlive()).as("the application stays up").isTrue();
      assertThat(HttpGet.status(base + "/health/ready")).isEqualTo(200);
      assertThat(app.output())
          .noneMatch(l -> l.contains("OutOfMemoryError"))
          .noneMatch(l -> l.contains("StackOverflowError"))
          .noneMatch(l -> l.contains("to ERROR") || l.contains("PENDING_ERROR"));
      assertThat(app.stop()).isZero();
    }
  }

  // ---- the shapes -----------------------------------------------------------------------------

  /** Built one at a time, when it is its turn, so the test holds one large record at most. */
  static List<IntFunction<Shape>> shapes(int maxBytes) {
    List<IntFunction<Shape>> shapes = new ArrayList<>();
    shapes.add(
        max ->
            new Shape(
                "anthropic-pdf-100-pages",
                anthropic(documentBlock(pdf(100, 4_000, true, 1)), 0),
                "context_window_exceeded",
                "100 pages, Anthropic's page limit, of dense text: 1,496 tokens of page image and"
                    + " about 1,100 of text a page, 261k, over Claude's 200k window"));
    shapes.add(
        max ->
            new Shape(
                "anthropic-pdf-70-pages",
                anthropic(documentBlock(pdf(70, 3_000, true, 14)), 0),
                null,
                "70 pages of text: 1,496 tokens of page image and about 820 of text a page, 162k,"
                    + " within the window"));
    shapes.add(
        max ->
            new Shape(
                "gemini-pdf-1000-pages",
                fit(
                    max,
                    room(max, 300, 1000),
                    perPage -> gemini(inline("application/pdf", pdf(1000, perPage, false, 2)), 0)),
                null,
                "1,000 pages, Gemini's page limit, uncompressed to fill the record: 258 tokens a"
                    + " page"));
    shapes.add(
        max ->
            new Shape(
                "anthropic-prose-100k-tokens",
                anthropic(text(prose(3, 312_000)), 0),
                null,
                "100k tokens of prose"));
    shapes.add(
        max ->
            new Shape(
                "gemini-prose-100k-tokens",
                gemini(text(prose(4, 330_000)), 0),
                null,
                "100k tokens of prose"));
    shapes.add(
        max ->
            new Shape(
                "anthropic-prose-at-the-limit",
                anthropic(text(prose(5, max)), max),
                "context_window_exceeded",
                "8 MiB of prose is about 2M tokens, ten times Claude's 200k window"));
    shapes.add(
        max ->
            new Shape(
                "gemini-prose-at-the-limit",
                gemini(text(prose(6, max)), max),
                "context_window_exceeded",
                "8 MiB of prose is about 2M tokens, twice Gemini's 1M window"));
    shapes.add(
        max ->
            new Shape(
                "anthropic-500-tools",
                anthropicTools(500, 7),
                null,
                "500 tool definitions with JSON schemas"));
    shapes.add(
        max ->
            new Shape(
                "gemini-500-tools",
                geminiTools(500, 8),
                null,
                "500 function declarations with schemas"));
    shapes.add(
        max ->
            new Shape(
                "anthropic-1000-turns",
                anthropicConversation(1000, 9),
                null,
                "1,000 turns of a conversation"));
    shapes.add(
        max ->
            new Shape(
                "gemini-1000-turns",
                geminiConversation(1000, 10),
                null,
                "1,000 turns of a conversation"));
    shapes.add(
        max ->
            new Shape(
                "anthropic-png-at-the-limit",
                fit(
                    max,
                    png(max),
                    side -> anthropic(imageBlock("image/png", noiseImage("png", side, 11)), 0)),
                null,
                "a PNG as large as the record takes, counted by its size"));
    shapes.add(
        max ->
            new Shape(
                "gemini-jpeg-at-the-limit",
                fit(
                    max,
                    jpeg(max),
                    side -> gemini(inline("image/jpeg", noiseImage("jpeg", side, 12)), 0)),
                null,
                "a JPEG as large as the record takes, counted as one image"));
    shapes.add(
        max ->
            new Shape(
                "gemini-wav-at-the-limit",
                gemini(inline("audio/wav", wav(room(max, 300, 1))), 0),
                null,
                "16 kHz mono WAV filling the record: about 196 s at 32 tokens a second"));
    shapes.add(
        max ->
            new Shape(
                "gemini-mp3-at-the-limit",
                gemini(inline("audio/mpeg", mp3(room(max, 300, 1))), 0),
                null,
                "128 kbit/s MP3 filling the record: about 390 s"));
    shapes.add(
        max ->
            new Shape(
                "gemini-mp4-at-the-limit",
                gemini(inline("video/mp4", mp4(room(max, 300, 1), 90)), 0),
                null,
                "90 s of MP4 video filling the record, 263 tokens a second"));
    shapes.add(
        max ->
            new Shape(
                "over-the-limit",
                anthropic(text(prose(13, max)), max + 1),
                "payload_too_large",
                "one byte over the limit"));
    for (int i = 0; i < 3; i++) {
      int n = i;
      shapes.add(
          max ->
              new Shape(
                  "normal-" + n,
                  n % 2 == 0
                      ? anthropic(text(prose(20 + n, 400)), 0)
                      : gemini(text(prose(20 + n, 400)), 0),
                  null,
                  "an ordinary request after the largest ones"));
    }
    return shapes;
  }

  /**
   * The record {@code build} makes of the largest {@code param} (at most {@code first}) whose
   * record fits {@code max} bytes, shrinking it in proportion until it does.
   */
  private static byte[] fit(int max, int first, IntFunction<byte[]> build) {
    int param = first;
    while (true) {
      byte[] value = build.apply(param);
      if (value.length <= max) {
        return value;
      }
      param = Math.min(param - 1, (int) (param * (max / (double) value.length) * 0.998));
    }
  }

  /** Bytes of binary data whose base64 fits a record of {@code max} after {@code overhead}. */
  private static int room(int max, int overhead, int perUnit) {
    return (max - overhead) / 4 * 3 / perUnit;
  }

  private static String prose(long salt, int chars) {
    return TextCorpus.prose(new SplittableRandom(SEED * 31 + salt), chars).substring(0, chars);
  }

  private static ObjectNode text(String text) {
    return JSON.objectNode().put("type", "text").put("text", text);
  }

  /**
   * An Anthropic request with one user message of {@code block}; when {@code size} is positive, the
   * text is padded so the value is exactly that many bytes.
   */
  private static byte[] anthropic(ObjectNode block, int size) {
    ObjectNode body = JSON.objectNode().put("model", CLAUDE).put("max_tokens", 1024);
    ObjectNode message = body.putArray("messages").addObject().put("role", "user");
    if (block.path("type").asText().equals("text")) {
      message.put("content", block.get("text").asText());
    } else {
      message.putArray("content").add(block).add(text("Summarise this."));
    }
    return exactly(body, size);
  }

  private static byte[] gemini(ObjectNode part, int size) {
    ObjectNode body = JSON.objectNode().put("model", GEMINI);
    ArrayNode parts = body.putArray("contents").addObject().put("role", "user").putArray("parts");
    if (part.path("type").asText().equals("text")) {
      parts.addObject().put("text", part.get("text").asText());
    } else {
      parts.add(part).addObject().put("text", "Summarise this.");
    }
    return exactly(body, size);
  }

  /**
   * The body as it is when {@code size} is 0; else with its one text cut or padded with spaces so
   * the value is exactly {@code size} bytes.
   */
  private static byte[] exactly(ObjectNode body, int size) {
    byte[] bytes = bytes(body);
    if (size <= 0) {
      return bytes;
    }
    ObjectNode holder =
        body.has("messages")
            ? (ObjectNode) body.get("messages").get(0)
            : (ObjectNode) body.get("contents").get(0).get("parts").get(0);
    String field = body.has("messages") ? "content" : "text";
    while (bytes.length > size) {
      String text = holder.get(field).asText();
      holder.put(field, text.substring(0, text.length() - Math.max(1, (bytes.length - size) / 2)));
      bytes = bytes(body);
    }
    holder.put(field, holder.get(field).asText() + " ".repeat(size - bytes.length));
    bytes = bytes(body);
    assertThat(bytes).hasSize(size);
    return bytes;
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static String b64(byte[] data) {
    return Base64.getEncoder().encodeToString(data);
  }

  private static ObjectNode documentBlock(byte[] pdf) {
    ObjectNode block = JSON.objectNode().put("type", "document");
    block
        .putObject("source")
        .put("type", "base64")
        .put("media_type", "application/pdf")
        .put("data", b64(pdf));
    return block;
  }

  private static ObjectNode imageBlock(String mediaType, byte[] image) {
    ObjectNode block = JSON.objectNode().put("type", "image");
    block
        .putObject("source")
        .put("type", "base64")
        .put("media_type", mediaType)
        .put("data", b64(image));
    return block;
  }

  private static ObjectNode inline(String mimeType, byte[] data) {
    ObjectNode part = JSON.objectNode();
    part.putObject("inlineData").put("mimeType", mimeType).put("data", b64(data));
    return part;
  }

  /** {@code pages} pages of prose, about {@code bytesPerPage} of text each, in 90-char lines. */
  private static byte[] pdf(int pages, int bytesPerPage, boolean flate, long salt) {
    SplittableRandom random = new SplittableRandom(SEED * 31 + salt);
    List<List<String>> all = new ArrayList<>(pages);
    for (int p = 0; p < pages; p++) {
      String text = TextCorpus.prose(random, Math.max(200, bytesPerPage - 200));
      List<String> lines = new ArrayList<>();
      lines.add("Page " + (p + 1));
      for (int at = 0; at < text.length(); at += 90) {
        lines.add(text.substring(at, Math.min(text.length(), at + 90)).replace('\n', ' '));
      }
      all.add(lines);
    }
    return MinimalPdf.pages(all, flate);
  }

  private static byte[] anthropicTools(int tools, long salt) {
    SplittableRandom random = new SplittableRandom(SEED * 31 + salt);
    ObjectNode body = JSON.objectNode().put("model", CLAUDE).put("max_tokens", 1024);
    body.putArray("messages")
        .addObject()
        .put("role", "user")
        .put("content", "Which tool files an expense report?");
    ArrayNode array = body.putArray("tools");
    for (int t = 0; t < tools; t++) {
      ObjectNode tool = array.addObject().put("name", "tool_" + t);
      tool.put("description", TextCorpus.prose(random, 160).trim());
      tool.set("input_schema", schema(random, "object", "string", "integer", "boolean", "array"));
    }
    return bytes(body);
  }

  private static byte[] geminiTools(int tools, long salt) {
    SplittableRandom random = new SplittableRandom(SEED * 31 + salt);
    ObjectNode body = JSON.objectNode().put("model", GEMINI);
    body.putArray("contents")
        .addObject()
        .put("role", "user")
        .putArray("parts")
        .addObject()
        .put("text", "Which function files an expense report?");
    ArrayNode declarations = body.putArray("tools").addObject().putArray("functionDeclarations");
    for (int t = 0; t < tools; t++) {
      ObjectNode f = declarations.addObject().put("name", "function_" + t);
      f.put("description", TextCorpus.prose(random, 160).trim());
      f.set("parameters", schema(random, "OBJECT", "STRING", "INTEGER", "BOOLEAN", "ARRAY"));
    }
    return bytes(body);
  }

  /** Six properties with descriptions, one an enum, one an array of strings; three required. */
  private static ObjectNode schema(
      SplittableRandom random,
      String object,
      String string,
      String integer,
      String bool,
      String array) {
    ObjectNode schema = JSON.objectNode().put("type", object);
    ObjectNode properties = schema.putObject("properties");
    String[] types = {string, integer, bool, string, array, string};
    ArrayNode required = JSON.arrayNode();
    for (int p = 0; p < types.length; p++) {
      String name = "field_" + p;
      ObjectNode property = properties.putObject(name).put("type", types[p]);
      property.put("description", TextCorpus.prose(random, 60).trim());
      if (p == 3) {
        property.putArray("enum").add("low").add("medium").add("high");
      }
      if (types[p].equals(array)) {
        property.putObject("items").put("type", string);
      }
      if (p % 2 == 0) {
        required.add(name);
      }
    }
    schema.set("required", required);
    return schema;
  }

  private static byte[] anthropicConversation(int turns, long salt) {
    SplittableRandom random = new SplittableRandom(SEED * 31 + salt);
    ObjectNode body = JSON.objectNode().put("model", CLAUDE).put("max_tokens", 1024);
    body.put("system", "You are a patient tutor.");
    ArrayNode messages = body.putArray("messages");
    for (int t = 0; t < turns; t++) {
      messages
          .addObject()
          .put("role", t % 2 == 0 ? "user" : "assistant")
          .put("content", TextCorpus.prose(random, 120 + random.nextInt(240)));
    }
    return bytes(body);
  }

  private static byte[] geminiConversation(int turns, long salt) {
    SplittableRandom random = new SplittableRandom(SEED * 31 + salt);
    ObjectNode body = JSON.objectNode().put("model", GEMINI);
    body.putObject("systemInstruction")
        .putArray("parts")
        .addObject()
        .put("text", "You are a patient tutor.");
    ArrayNode contents = body.putArray("contents");
    for (int t = 0; t < turns; t++) {
      contents
          .addObject()
          .put("role", t % 2 == 0 ? "user" : "model")
          .putArray("parts")
          .addObject()
          .put("text", TextCorpus.prose(random, 120 + random.nextInt(240)));
    }
    return bytes(body);
  }

  /** Sides of a noise PNG whose file (about 3 bytes a pixel) fits the record. */
  private static int png(int max) {
    return (int) Math.sqrt(room(max, 400, 1) / 3.1);
  }

  /** Sides of a noise JPEG at quality 0.95 (about 1.2 bytes a pixel) that fits the record. */
  private static int jpeg(int max) {
    return (int) Math.sqrt(room(max, 400, 1) / 1.15);
  }

  /** Random pixels, which neither format compresses much: a large file for its size. */
  private static byte[] noiseImage(String format, int side, long salt) {
    SplittableRandom random = new SplittableRandom(SEED * 31 + salt);
    BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        image.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (format.equals("jpeg")) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.95f);
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
          writer.setOutput(stream);
          writer.write(null, new IIOImage(image, null, null), param);
        }
        writer.dispose();
      } else {
        assertThat(ImageIO.write(image, format, out)).isTrue();
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** 16-bit mono PCM at 16 kHz, a 440 Hz tone, {@code size} bytes in all. */
  private static byte[] wav(int size) {
    int data = (size - 44) & ~1;
    ByteBuffer b = ByteBuffer.allocate(44 + data).order(ByteOrder.LITTLE_ENDIAN);
    b.put(ascii("RIFF")).putInt(36 + data).put(ascii("WAVE"));
    b.put(ascii("fmt ")).putInt(16).putShort((short) 1).putShort((short) 1);
    b.putInt(16_000).putInt(32_000).putShort((short) 2).putShort((short) 16);
    b.put(ascii("data")).putInt(data);
    for (int i = 0; i < data / 2; i++) {
      b.putShort((short) (8_000 * Math.sin(2 * Math.PI * 440 * i / 16_000.0)));
    }
    return b.array();
  }

  /** MPEG-1 Layer III frames, 128 kbit/s, 44.1 kHz, mono: 417 bytes each, silent. */
  private static byte[] mp3(int size) {
    int frame = 144 * 128_000 / 44_100;
    byte[] out = new byte[size / frame * frame];
    for (int at = 0; at < out.length; at += frame) {
      out[at] = (byte) 0xFF;
      out[at + 1] = (byte) 0xFB;
      out[at + 2] = (byte) 0x90;
      out[at + 3] = (byte) 0xC0;
    }
    return out;
  }

  /** ftyp, moov with an mvhd of {@code seconds}, and an mdat filling {@code size} bytes. */
  private static byte[] mp4(int size, int seconds) {
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putInt(24).put(ascii("ftypisom")).putInt(0x200).put(ascii("isommp41"));
    b.putInt(8 + 108).put(ascii("moov"));
    b.putInt(108).put(ascii("mvhd")).putInt(0).putInt(0).putInt(0);
    b.putInt(1000).putInt(seconds * 1000).putInt(0x00010000).putShort((short) 0x0100);
    b.put(new byte[10]);
    int[] matrix = {0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000};
    for (int m : matrix) {
      b.putInt(m);
    }
    b.put(new byte[24]).putInt(2);
    b.putInt(b.remaining()).put(ascii("mdat"));
    SplittableRandom random = new SplittableRandom(SEED);
    while (b.hasRemaining()) {
      b.put((byte) random.nextInt());
    }
    return b.array();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private static KafkaProducer<byte[], byte[]> producer(int maxBytes) {
    Map<String, Object> conf = new HashMap<>();
    conf.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    conf.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * maxBytes);
    conf.put(ProducerConfig.ACKS_CONFIG, "all");
    conf.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaProducer<>(conf, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Reads the outputs until {@code key} arrives; counts every key seen on the way. */
  private static ConsumerRecord<byte[], byte[]> awaitOutput(
      KafkaConsumer<byte[], byte[]> out, String key, Map<String, Integer> seen) {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      ConsumerRecord<byte[], byte[]> found = null;
      for (ConsumerRecord<byte[], byte[]> r : out.poll(Duration.ofMillis(50))) {
        String k = new String(r.key(), StandardCharsets.UTF_8);
        seen.merge(k, 1, Integer::sum);
        if (k.equals(key)) {
          found = r;
        }
      }
      if (found != null) {
        return found;
      }
    }
    throw new AssertionError(key + ": no output within 120 s");
  }

  /** {count, sum in seconds} of the app's stream count-duration timer. */
  private static double[] countDuration(String base) throws Exception {
    double count = 0;
    double sum = 0;
    for (PrometheusText.Sample s : PrometheusText.parse(HttpGet.body(base + "/metrics"))) {
      if (!"stream".equals(s.labels().get("source"))) {
        continue;
      }
      if (s.name().equals("tokentally_count_duration_seconds_count")) {
        count = s.value();
      } else if (s.name().equals("tokentally_count_duration_seconds_sum")) {
        sum = s.value();
      }
    }
    return new double[] {count, sum};
  }

  private static long tokens(JsonNode enriched) {
    JsonNode n =
        enriched.has("input_tokens") ? enriched.get("input_tokens") : enriched.get("totalTokens");
    return n == null ? -1 : n.asLong();
  }

  /** The dead letter's message where it says how many tokens: ": input of N tokens ...". */
  private static String abbreviate(String message) {
    return message == null || !message.startsWith("input of ")
        ? ""
        : " (" + message.substring(0, message.indexOf(" tokens") + 7) + ")";
  }

  private static void print(List<Measured> measured, int maxBytes, double seconds) {
    System.out.printf(
        "%nlargest requests (record limit %d bytes, app -Xmx512m), %d records in %.1f s:%n",
        maxBytes, measured.size(), seconds);
    System.out.println(
        "| record | bytes | outcome | tokens | app time (s) | produce to output (s) | heap max"
            + " (MiB) | live after GC max (MiB) | RSS max (MiB) |");
    System.out.println("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    Map<String, String> rows = new LinkedHashMap<>();
    for (Measured m : measured) {
      rows.put(
          m.shape().name(),
          String.format(
              "| %s | %,d | %s | %s | %.3f | %.2f | %d | %d | %d |",
              m.shape().name(),
              m.shape().value().length,
              m.code() == null ? "counted" : m.code() + abbreviate(m.message()),
              m.tokens() < 0 ? "-" : String.format("%,d", m.tokens()),
              m.appSeconds(),
              m.endToEndSeconds(),
              m.maxHeap() >> 20,
              m.maxLive() >> 20,
              m.maxRss() >> 20));
    }
    rows.values().forEach(System.out::println);
  }
}
