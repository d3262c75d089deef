package dev.tokentally.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.access.KeysFile;
import dev.tokentally.access.Scope;
import dev.tokentally.counting.SyntheticPng;
import dev.tokentally.media.ImageSize;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;

/**
 * Writes the seed inputs of the fuzz targets from what the repository already holds: the recorded
 * corpus and count cases (request bodies, and the images, PDFs and audio inside them), the response
 * vectors of ResponseReaderTest, README's example files and the demo keys file, plus a few
 * synthetic media headers. Deterministic; it replaces only {@code seed-*} files, so findings
 * ({@code crash-*}, {@code timeout-*}) stay. Run from the project directory:
 *
 * <pre>./mvnw -q test-compile exec:exec@fuzz-seeds</pre>
 */
public final class SeedCorpus {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Path OUT = Path.of("src/test/resources/dev/tokentally/fuzz");
  private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

  /** Largest request body kept as a seed: every kind of content fits, the total stays small. */
  private static final int MAX_BODY = 40 * 1024;

  private static final int MAX_CAPTURED = 30;
  private static final int MAX_MEDIA = 24 * 1024;

  private SeedCorpus() {}

  /** One case of the recorded corpus or the count cases. */
  private record Case(
      String id, String vendor, String model, String endpoint, ObjectNode request, String kinds) {
    int size() {
      return request.toString().length();
    }
  }

  public static void main(String[] args) throws IOException {
    List<Case> recorded = recorded();
    List<Case> curated = countCases();
    Map<String, Long> sizes = new TreeMap<>();

    List<Case> anthropic = pick(recorded, curated, "anthropic");
    List<Case> gemini = pick(recorded, curated, "gemini");
    Map<String, byte[]> samples = samples();
    sizes.put(
        "anthropicRequest",
        write(
            "RequestFuzzTest",
            "anthropicRequest",
            merge(bodies(anthropic, false), samples, s -> s.contains("\"messages\""))));
    sizes.put(
        "geminiRequest",
        write(
            "RequestFuzzTest",
            "geminiRequest",
            merge(bodies(gemini, true), samples, s -> s.contains("\"contents\""))));
    sizes.put(
        "capturedHttpRequest",
        write(
            "RequestFuzzTest",
            "capturedHttpRequest",
            merge(captured(anthropic, gemini), samples, s -> s.contains("\"path\""))));
    sizes.put("vendorResponse", write("ResponseFuzzTest", "vendorResponse", responses()));

    Media media = media(recorded, curated);
    sizes.put("imageHeader", write("MediaFuzzTest", "imageHeader", media.images));
    sizes.put("mediaDuration", write("MediaFuzzTest", "mediaDuration", media.sounds));
    sizes.put("pdfDocument", write("MediaFuzzTest", "pdfDocument", media.pdfs));

    sizes.put("keysFile", write("ConfigFilesFuzzTest", "keysFile", keysFiles()));
    sizes.put("modelsFile", write("ConfigFilesFuzzTest", "modelsFile", modelsFiles()));
    sizes.put("limitsFile", write("ConfigFilesFuzzTest", "limitsFile", limitsFiles()));

    long total = 0;
    for (Map.Entry<String, Long> e : sizes.entrySet()) {
      System.out.printf(Locale.ROOT, "%-20s %8d bytes%n", e.getKey(), e.getValue());
      total += e.getValue();
    }
    System.out.printf(Locale.ROOT, "%-20s %8d bytes%n", "total", total);
  }

  // ---- requests ---------------------------------------------------------------------------------

  private static List<Case> recorded() throws IOException {
    List<Case> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(FIXTURES.resolve("recorded"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json.gz")).sorted().toList()) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
          for (JsonNode c : MAPPER.readTree(in)) {
            List<String> kinds = new ArrayList<>();
            c.path("kinds").forEach(k -> kinds.add(k.asText()));
            kinds.sort(null);
            out.add(
                new Case(
                    c.get("id").asText(),
                    c.get("vendor").asText(),
                    c.get("model").asText(),
                    c.path("endpoint").asText("messages"),
                    (ObjectNode) c.get("request"),
                    String.join(",", kinds)));
          }
        }
      }
    }
    return out;
  }

  private static List<Case> countCases() throws IOException {
    List<Case> out = new ArrayList<>();
    for (JsonNode c : MAPPER.readTree(FIXTURES.resolve("count-cases.json").toFile())) {
      String vendor = c.get("vendor").asText();
      out.add(
          new Case(
              c.get("id").asText(),
              vendor,
              c.get("model").asText(),
              vendor.equals("anthropic") ? "count_tokens" : "countTokens",
              (ObjectNode) c.get("request"),
              "curated"));
    }
    return out;
  }

  /**
   * Every curated count case, and the smallest recorded case of each endpoint and combination of
   * content kinds (tools, images, documents, thinking, multi-turn...) that fits {@link #MAX_BODY}.
   */
  private static List<Case> pick(List<Case> recorded, List<Case> curated, String vendor) {
    Map<String, Case> smallest = new TreeMap<>();
    for (Case c : recorded) {
      if (!c.vendor().equals(vendor) || c.size() > MAX_BODY) {
        continue;
      }
      String group = c.endpoint() + ":" + c.kinds();
      Case best = smallest.get(group);
      if (best == null
          || c.size() < best.size()
          || c.size() == best.size() && c.id().compareTo(best.id()) < 0) {
        smallest.put(group, c);
      }
    }
    List<Case> out = new ArrayList<>(smallest.values());
    curated.stream().filter(c -> c.vendor().equals(vendor)).forEach(out::add);
    return out;
  }

  /** Bare bodies; Gemini bodies name their model, as the stream needs without a model header. */
  private static Map<String, byte[]> bodies(List<Case> cases, boolean nameModel) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (Case c : cases) {
      ObjectNode body = c.request();
      if (!body.has("model") && (nameModel || c.vendor().equals("anthropic"))) {
        ObjectNode named = MAPPER.createObjectNode().put("model", c.model());
        named.setAll(body);
        body = named;
      }
      out.put(c.id(), json(body));
    }
    return out;
  }

  /**
   * A spread of both vendors' cases in the envelope a gateway captures, with the path variants
   * (gateway prefixes, query strings), credential headers that must be dropped, the function name
   * in a header, and the body as an object or as a string.
   */
  private static Map<String, byte[]> captured(List<Case> anthropic, List<Case> gemini) {
    List<Case> spread = new ArrayList<>();
    spread.addAll(everyNth(anthropic, MAX_CAPTURED / 2));
    spread.addAll(everyNth(gemini, MAX_CAPTURED / 2));
    String[] prefixes = {"", "/v3/compat", "/anthropic", "/google"};
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (int i = 0; i < spread.size(); i++) {
      Case c = spread.get(i);
      ObjectNode envelope = MAPPER.createObjectNode();
      envelope.put("method", "POST");
      ObjectNode headers = MAPPER.createObjectNode();
      headers.put("content-type", "application/json");
      String path;
      boolean anthropicApi = c.vendor().equals("anthropic");
      if (anthropicApi) {
        path = c.endpoint().equals("count_tokens") ? "/v1/messages/count_tokens" : "/v1/messages";
        headers.put("x-api-key", "sk-ant-fuzz-not-a-key");
        headers.put("anthropic-version", "2023-06-01");
      } else {
        path = "/v1beta/models/" + c.model() + ":" + c.endpoint();
        if (c.endpoint().equals("streamGenerateContent")) {
          path += "?alt=sse";
        }
        if (i % 5 == 0) {
          path += (path.contains("?") ? "&" : "?") + "key=AIza-fuzz-not-a-key";
        } else {
          headers.put("x-goog-api-key", "AIza-fuzz-not-a-key");
        }
      }
      String prefix = prefixes[i % prefixes.length];
      envelope.put(
          "path", (prefix.equals("/anthropic") && !anthropicApi ? "/google" : prefix) + path);
      if (i % 3 == 0) {
        headers.put("X-Opper-Name", "fuzz/" + c.vendor());
        headers.putArray("X-Opper-Parent-Span-Id").add("span-a").add("span-b");
      }
      envelope.set("headers", headers);
      if (i % 4 == 1) {
        envelope.put("body", c.request().toString());
      } else {
        envelope.set("body", c.request());
      }
      out.put(c.id(), json(envelope));
    }
    return out;
  }

  /** deploy/samples/requests.txt: {@code headers<TAB>value} per line, the value as produced. */
  private static Map<String, byte[]> samples() throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(Path.of("deploy/samples/requests.txt"));
    for (int i = 0; i < lines.size(); i++) {
      int tab = lines.get(i).indexOf('\t');
      if (tab >= 0) {
        out.put(
            "sample-" + (i + 1), lines.get(i).substring(tab + 1).getBytes(StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static Map<String, byte[]> merge(
      Map<String, byte[]> seeds, Map<String, byte[]> samples, Predicate<String> fits) {
    Map<String, byte[]> out = new LinkedHashMap<>(seeds);
    samples.forEach(
        (name, value) -> {
          if (fits.test(new String(value, StandardCharsets.UTF_8))) {
            out.put(name, value);
          }
        });
    return out;
  }

  private static <T> List<T> everyNth(List<T> all, int count) {
    List<T> out = new ArrayList<>();
    double step = Math.max(1, all.size() / (double) count);
    for (double i = 0; i < all.size() && out.size() < count; i += step) {
      out.add(all.get((int) i));
    }
    return out;
  }

  // ---- responses --------------------------------------------------------------------------------

  private static final Pattern TEXT_BLOCK = Pattern.compile("\"\"\"\\n(.*?)\"\"\"", Pattern.DOTALL);
  private static final Pattern STRING_ARGUMENT =
      Pattern.compile("(?:read|billed)\\(\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*\\)");

  /**
   * The vectors of ResponseReaderTest (vendors' documented examples and SDK fixtures, as text
   * blocks and string literals), and the first few again as captured exchanges.
   */
  private static Map<String, byte[]> responses() throws IOException {
    String source =
        Files.readString(Path.of("src/test/java/dev/tokentally/reconcile/ResponseReaderTest.java"));
    List<String> vectors = new ArrayList<>();
    Matcher block = TEXT_BLOCK.matcher(source);
    while (block.find()) {
      vectors.add(block.group(1).stripIndent().translateEscapes());
    }
    Matcher literal = STRING_ARGUMENT.matcher(source);
    while (literal.find()) {
      vectors.add(literal.group(1).translateEscapes());
    }
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (int i = 0; i < vectors.size(); i++) {
      out.put("reader-test-" + (i + 1), vectors.get(i).getBytes(StandardCharsets.UTF_8));
    }
    for (int i = 0; i < Math.min(4, vectors.size()); i++) {
      ObjectNode exchange = MAPPER.createObjectNode().put("status", 200);
      exchange.putObject("headers").put("content-type", "text/event-stream");
      exchange.put("body", vectors.get(i));
      out.put("exchange-" + (i + 1), json(exchange));
    }
    return out;
  }

  // ---- media ------------------------------------------------------------------------------------

  private record Media(
      Map<String, byte[]> images, Map<String, byte[]> sounds, Map<String, byte[]> pdfs) {}

  /**
   * Decoded base64 media of the corpus (a few of each format, cut to a header's worth) and more.
   */
  private static Media media(List<Case> recorded, List<Case> curated) {
    Map<String, List<byte[]>> byType = new TreeMap<>();
    for (Case c : Stream.concat(curated.stream(), recorded.stream()).toList()) {
      collectMedia(c.request(), byType);
    }
    Map<String, byte[]> images = new LinkedHashMap<>();
    Map<String, byte[]> sounds = new LinkedHashMap<>();
    Map<String, byte[]> pdfs = new LinkedHashMap<>();
    byType.forEach(
        (type, all) -> {
          List<byte[]> smallest =
              all.stream()
                  .map(ByteBuffer::wrap)
                  .distinct()
                  .map(ByteBuffer::array)
                  .sorted(Comparator.comparingInt((byte[] b) -> b.length))
                  .toList();
          String name = type.replace('/', '-');
          if (type.startsWith("image/")) {
            // The readers look at headers only; keep the smallest few whole or cut.
            keep(images, name, smallest, 3);
          } else if (type.equals("application/pdf")) {
            keep(pdfs, name, smallest, 6);
          } else if (type.startsWith("audio/") || type.startsWith("video/")) {
            keep(sounds, name, smallest, 2);
          }
        });
    images.put("synthetic-png", SyntheticPng.of(3, 2));
    images.put("synthetic-gif", gif(5, 7));
    images.put("synthetic-webp-vp8", webp("VP8 ", 640, 480));
    images.put("synthetic-webp-vp8l", webp("VP8L", 33, 44));
    images.put("synthetic-webp-vp8x", webp("VP8X", 4000, 3000));
    images.put("synthetic-jpeg", jpeg(800, 600));
    sounds.put("synthetic-wav", wav(16_000, 2, 32_000));
    sounds.put("synthetic-mp3-xing", mp3(true));
    sounds.put("synthetic-mp3-cbr", mp3(false));
    sounds.put("synthetic-flac", flac(44_100, 441_000));
    sounds.put("synthetic-mp4-v0", mp4(0, 1000, 61_500));
    sounds.put("synthetic-mp4-v1", mp4(1, 90_000, 9_000_000));
    pdfs.put("synthetic-plain", pdf(false));
    pdfs.put("synthetic-flate", pdf(true));
    return new Media(images, sounds, pdfs);
  }

  private static void keep(Map<String, byte[]> out, String name, List<byte[]> smallest, int n) {
    for (int i = 0; i < Math.min(n, smallest.size()); i++) {
      byte[] data = smallest.get(i);
      if (data.length > MAX_MEDIA) {
        data = Arrays.copyOf(data, MAX_MEDIA);
      }
      out.put("corpus-" + name + "-" + (i + 1), data);
    }
  }

  /** Anthropic {@code source: {type: base64, media_type, data}} and Gemini {@code inlineData}. */
  private static void collectMedia(JsonNode node, Map<String, List<byte[]>> out) {
    if (node.isObject()) {
      JsonNode type = node.has("media_type") ? node.get("media_type") : node.get("mimeType");
      if (type == null) {
        type = node.get("mime_type");
      }
      JsonNode data = node.get("data");
      if (type != null && type.isTextual() && data != null && data.isTextual()) {
        try {
          byte[] bytes =
              Base64.getMimeDecoder().decode(data.asText().replace('-', '+').replace('_', '/'));
          String kind = type.asText().toLowerCase(Locale.ROOT);
          if (kind.startsWith("image/")) {
            // Label images by their signature: recorded media types are not always right.
            kind = ImageSize.mediaType(bytes).orElse(kind);
          }
          out.computeIfAbsent(kind, k -> new ArrayList<>()).add(bytes);
        } catch (IllegalArgumentException notBase64) {
          // A text document or a broken recording: not media.
        }
      }
      node.forEach(child -> collectMedia(child, out));
    } else if (node.isArray()) {
      node.forEach(child -> collectMedia(child, out));
    }
  }

  private static byte[] gif(int width, int height) {
    ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
    b.put("GIF89a".getBytes(StandardCharsets.US_ASCII));
    b.putShort((short) width).putShort((short) height).put((byte) 0).put((byte) 0).put((byte) 0);
    b.put((byte) 0x3B);
    return b.array();
  }

  private static byte[] webp(String chunk, int width, int height) {
    ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(32);
    b.put("WEBP".getBytes(StandardCharsets.US_ASCII));
    b.put(chunk.getBytes(StandardCharsets.US_ASCII)).putInt(20);
    switch (chunk) {
      case "VP8 " -> {
        b.position(23);
        b.put((byte) 0x9D).put((byte) 0x01).put((byte) 0x2A);
        b.putShort((short) width).putShort((short) height);
      }
      case "VP8L" -> {
        b.position(20);
        b.put((byte) 0x2F);
        b.putInt((width - 1) | (height - 1) << 14);
      }
      default -> {
        b.position(24);
        b.put((byte) (width - 1)).put((byte) ((width - 1) >> 8)).put((byte) ((width - 1) >> 16));
        b.put((byte) (height - 1)).put((byte) ((height - 1) >> 8)).put((byte) ((height - 1) >> 16));
      }
    }
    return b.array();
  }

  /** SOI, an APP0 segment, then a baseline start-of-frame with the size. */
  private static byte[] jpeg(int width, int height) {
    ByteBuffer b = ByteBuffer.allocate(48);
    b.put((byte) 0xFF).put((byte) 0xD8);
    b.put((byte) 0xFF).put((byte) 0xE0).putShort((short) 16);
    b.put("JFIF\0".getBytes(StandardCharsets.US_ASCII)).put(new byte[9]);
    b.put((byte) 0xFF).put((byte) 0xC0).putShort((short) 11).put((byte) 8);
    b.putShort((short) height).putShort((short) width).put((byte) 1);
    b.put(new byte[] {1, 0x11, 0});
    b.put((byte) 0xFF).put((byte) 0xD9);
    return b.array();
  }

  /** PCM WAV: {@code fmt } with the byte rate, then a data chunk of {@code dataBytes}. */
  private static byte[] wav(int sampleRate, int bytesPerSample, int dataBytes) {
    ByteBuffer b = ByteBuffer.allocate(44 + 64).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + dataBytes);
    b.put("WAVE".getBytes(StandardCharsets.US_ASCII));
    b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16);
    b.putShort((short) 1).putShort((short) 1).putInt(sampleRate);
    b.putInt(sampleRate * bytesPerSample).putShort((short) bytesPerSample).putShort((short) 16);
    b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataBytes);
    return b.array();
  }

  /** An ID3 tag, then MPEG-1 layer III frames at 128 kb/s, 44.1 kHz, optionally with a Xing. */
  private static byte[] mp3(boolean xing) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 10});
    out.writeBytes(new byte[10]);
    byte[] frame = new byte[417];
    frame[0] = (byte) 0xFF;
    frame[1] = (byte) 0xFB;
    frame[2] = (byte) 0x90;
    frame[3] = (byte) 0x64;
    if (xing) {
      int x = 4 + 32;
      System.arraycopy("Xing".getBytes(StandardCharsets.US_ASCII), 0, frame, x, 4);
      frame[x + 7] = 1;
      ByteBuffer.wrap(frame, x + 8, 4).putInt(383);
    }
    for (int i = 0; i < 3; i++) {
      out.writeBytes(frame);
    }
    return out.toByteArray();
  }

  /** {@code fLaC} and a STREAMINFO block with the sample rate and total samples. */
  private static byte[] flac(int sampleRate, long samples) {
    byte[] b = new byte[8 + 34];
    System.arraycopy("fLaC".getBytes(StandardCharsets.US_ASCII), 0, b, 0, 4);
    b[4] = (byte) 0x80;
    b[7] = 34;
    int s = 8;
    b[s + 10] = (byte) (sampleRate >> 12);
    b[s + 11] = (byte) (sampleRate >> 4);
    b[s + 12] = (byte) ((sampleRate & 0xF) << 4 | 0x02);
    b[s + 13] = (byte) (0xF0 | (samples >> 32) & 0x0F);
    ByteBuffer.wrap(b, s + 14, 4).putInt((int) samples);
    return b;
  }

  /** {@code ftyp}, then {@code moov} holding an {@code mvhd} of the given version. */
  private static byte[] mp4(int version, int timescale, long duration) {
    ByteBuffer b = ByteBuffer.allocate(20 + 8 + 120);
    b.putInt(20).put("ftypisom".getBytes(StandardCharsets.US_ASCII)).putInt(512);
    b.put("isom".getBytes(StandardCharsets.US_ASCII));
    b.putInt(8 + 120).put("moov".getBytes(StandardCharsets.US_ASCII));
    b.putInt(120).put("mvhd".getBytes(StandardCharsets.US_ASCII));
    b.put((byte) version).put(new byte[3]);
    if (version == 1) {
      b.putLong(0).putLong(0).putInt(timescale).putLong(duration);
    } else {
      b.putInt(0).putInt(0).putInt(timescale).putInt((int) duration);
    }
    return b.array();
  }

  /** Two pages with a text content stream, plain or Flate-compressed. */
  private static byte[] pdf(boolean flate) {
    String content = "BT /F1 12 Tf 72 712 Td (Hello, fuzz \\(1\\)) Tj ET";
    byte[] stream = content.getBytes(StandardCharsets.ISO_8859_1);
    if (flate) {
      Deflater deflater = new Deflater();
      deflater.setInput(stream);
      deflater.finish();
      byte[] buffer = new byte[256];
      stream = Arrays.copyOf(buffer, deflater.deflate(buffer));
      deflater.end();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String head =
        "%PDF-1.4\n"
            + "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            + "2 0 obj << /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >> endobj\n"
            + "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"
            + " endobj\n"
            + "5 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
            + "4 0 obj << /Length "
            + stream.length
            + (flate ? " /Filter /FlateDecode" : "")
            + " >>\nstream\n";
    out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(stream);
    out.writeBytes(
        "\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
            .getBytes(StandardCharsets.ISO_8859_1));
    return out.toByteArray();
  }

  // ---- configuration files ----------------------------------------------------------------------

  private static Map<String, byte[]> keysFiles() throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    out.put("demo-keys", Files.readAllBytes(Path.of("deploy/tokentally/demo-keys")));
    String made =
        "# made by keys new\n"
            + KeysFile.line("tt_fuzz_one", EnumSet.of(Scope.COUNT), List.of(), null)
            + "\n\n"
            + KeysFile.line(
                "tt_fuzz_two", EnumSet.allOf(Scope.class), List.of("team-a/", "team-b/"), "team-a")
            + "\r\n"
            + KeysFile.line("tt_fuzz_three", EnumSet.of(Scope.USAGE), List.of("ops/"), "ops.1")
            + "\n";
    out.put("made-by-keys-new", made.getBytes(StandardCharsets.UTF_8));
    return out;
  }

  private static Map<String, byte[]> modelsFiles() throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    byte[] shipped = Files.readAllBytes(Path.of("src/main/resources/models/models.json"));
    out.put("shipped-models", shipped);
    List<String> examples = jsonBlocks(Files.readString(Path.of("README.md")), "\"family\"");
    for (int i = 0; i < examples.size(); i++) {
      out.put("readme-" + (i + 1), examples.get(i).getBytes(StandardCharsets.UTF_8));
    }
    // A user family for each vendor, copied from the shipped one under a new name, with a model.
    JsonNode registry = MAPPER.readTree(shipped);
    for (String vendor : List.of("anthropic", "gemini")) {
      Map.Entry<String, JsonNode> family =
          registry.get("families").properties().stream()
              .filter(f -> f.getValue().path("vendor").asText().equals(vendor))
              .findFirst()
              .orElseThrow();
      JsonNode model = null;
      for (JsonNode m : registry.get("models")) {
        if (model == null && m.path("family").asText().equals(family.getKey())) {
          model = m;
        }
      }
      ObjectNode user = MAPPER.createObjectNode().put("_comment", "a user family");
      user.putObject("families").set("fuzz-" + vendor, family.getValue());
      ObjectNode copy = model.deepCopy();
      copy.put("id", "fuzz-" + vendor + "-1").put("family", "fuzz-" + vendor);
      user.putArray("models").add(copy);
      out.put("user-family-" + vendor, json(user));
    }
    return out;
  }

  private static Map<String, byte[]> limitsFiles() throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    List<String> examples =
        jsonBlocks(Files.readString(Path.of("README.md")), "\"request_max_tokens\"");
    for (int i = 0; i < examples.size(); i++) {
      out.put("readme-" + (i + 1), examples.get(i).getBytes(StandardCharsets.UTF_8));
    }
    out.put(
        "caps-only",
        "{\"request_max_tokens\": {\"default\": 1000, \"models\": {\"claude-3-5-sonnet\": 100},"
            .concat(" \"names\": {\"tiny\": 10}}}\n")
            .getBytes(StandardCharsets.UTF_8));
    out.put(
        "budgets-iso-windows",
        ("{\"budgets\": [{\"name\": \"a\", \"tokens\": 5, \"window\": \"PT90S\"},"
                + " {\"name\": \"b\", \"usd\": 0.5, \"window\": \"2h\"},"
                + " {\"name\": \"*\", \"tokens\": 7, \"counts\": \"INPUT_OUTPUT\","
                + " \"window\": \"1500ms\"}]}\n")
            .getBytes(StandardCharsets.UTF_8));
    return out;
  }

  /** The fenced {@code json} blocks of a Markdown text that contain {@code marker}. */
  private static List<String> jsonBlocks(String markdown, String marker) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
    while (m.find()) {
      if (m.group(1).contains(marker)) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  // ---- output -----------------------------------------------------------------------------------

  private static byte[] json(JsonNode node) {
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Replaces the target's {@code seed-*} files; returns the bytes written. */
  private static long write(String testClass, String method, Map<String, byte[]> seeds)
      throws IOException {
    Path dir = OUT.resolve(testClass + "Inputs").resolve(method);
    Files.createDirectories(dir);
    try (Stream<Path> old = Files.list(dir)) {
      for (Path file : old.filter(f -> f.getFileName().toString().startsWith("seed-")).toList()) {
        Files.delete(file);
      }
    }
    long bytes = 0;
    for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
      String name = seed.getKey().replaceAll("[^A-Za-z0-9._-]+", "-");
      if (name.length() > 80) {
        name = name.substring(0, 80);
      }
      Path file = dir.resolve("seed-" + name);
      for (int n = 2; Files.exists(file); n++) {
        file = dir.resolve("seed-" + name + "-" + n);
      }
      Files.write(file, seed.getValue());
      bytes += seed.getValue().length;
    }
    return bytes;
  }
}
