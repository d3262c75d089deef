package dev.tokentally.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.counting.SyntheticPng;
import dev.tokentally.testing.TextCorpus;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The benchmark's requests, the same for the same seed: Anthropic and Gemini bodies, median about 2
 * KB with a log-normal tail up to 200 KB, tools in a fifth of them and an image in a tenth, and
 * multi-turn conversations in which every request resends the earlier turns, as chat traffic does.
 */
final class BenchWorkload {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final List<String> CLAUDE =
      List.of("claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1");
  private static final List<String> GEMINI = List.of("gemini-2.5-flash", "gemini-2.5-pro");
  private static final int MEDIAN_BYTES = 1_200;
  private static final int MAX_BYTES = 200_000;
  private static final String IMAGE = Base64.getEncoder().encodeToString(SyntheticPng.of(320, 240));

  /** One request: its body, function name, model header (bare Gemini bodies) and origin. */
  record Request(byte[] value, String name, String modelHeader, boolean multiTurn) {}

  /** A conversation under way: its model, its turns so far, and how many requests it will make. */
  private static final class Conversation {
    final boolean claude;
    final String model;
    final String name;
    final ArrayNode turns = MAPPER.createArrayNode();
    int requestsLeft;

    Conversation(SplittableRandom random) {
      claude = random.nextBoolean();
      model = pick(random, claude ? CLAUDE : GEMINI);
      name = "chat-" + random.nextInt(5);
      requestsLeft = 2 + random.nextInt(9);
    }
  }

  private BenchWorkload() {}

  static List<Request> generate(long seed, int count) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Request> out = new ArrayList<>(count);
    List<Conversation> open = new ArrayList<>();
    while (out.size() < count) {
      if (random.nextInt(100) < 40) {
        if (open.size() < 50) {
          open.add(new Conversation(random));
        }
        Conversation c = open.get(random.nextInt(open.size()));
        out.add(nextTurn(random, c));
        if (--c.requestsLeft == 0) {
          open.remove(c);
        }
      } else {
        out.add(single(random));
      }
    }
    return out;
  }

  private static Request nextTurn(SplittableRandom random, Conversation c) {
    if (!c.turns.isEmpty()) {
      c.turns.add(turn(c.claude, false, TextCorpus.prose(random, size(random, 500))));
    }
    c.turns.add(turn(c.claude, true, TextCorpus.prose(random, size(random, 300))));
    ObjectNode body = MAPPER.createObjectNode();
    if (c.claude) {
      body.put("model", c.model);
      body.put("max_tokens", 1024);
      body.put("system", "You are a helpful assistant for " + c.name + ".");
      body.set("messages", c.turns.deepCopy());
    } else {
      body.set("contents", c.turns.deepCopy());
    }
    return new Request(bytes(body), c.name, c.claude ? null : c.model, true);
  }

  private static ObjectNode turn(boolean claude, boolean user, String text) {
    ObjectNode turn = MAPPER.createObjectNode();
    if (claude) {
      turn.put("role", user ? "user" : "assistant");
      turn.put("content", text);
    } else {
      turn.put("role", user ? "user" : "model");
      turn.putArray("parts").addObject().put("text", text);
    }
    return turn;
  }

  private static Request single(SplittableRandom random) {
    boolean claude = random.nextBoolean();
    String model = pick(random, claude ? CLAUDE : GEMINI);
    String name = "fn-" + random.nextInt(20);
    boolean tools = random.nextInt(100) < 20;
    boolean image = random.nextInt(100) < 10;
    String text = TextCorpus.prose(random, size(random, MEDIAN_BYTES));
    ObjectNode body = MAPPER.createObjectNode();
    if (claude) {
      body.put("model", model);
      body.put("max_tokens", 1024);
      ObjectNode message = body.putArray("messages").addObject().put("role", "user");
      ArrayNode content = message.putArray("content");
      if (image) {
        ObjectNode source = content.addObject().put("type", "image").putObject("source");
        source.put("type", "base64").put("media_type", "image/png").put("data", IMAGE);
      }
      content.addObject().put("type", "text").put("text", text);
      if (tools) {
        ArrayNode defs = body.putArray("tools");
        for (int i = 0, n = 1 + random.nextInt(5); i < n; i++) {
          ObjectNode tool = defs.addObject().put("name", "tool_" + i);
          tool.put("description", TextCorpus.prose(random, 120));
          tool.set("input_schema", schema(i));
        }
      }
    } else {
      ArrayNode parts = body.putArray("contents").addObject().put("role", "user").putArray("parts");
      if (image) {
        parts.addObject().putObject("inlineData").put("mimeType", "image/png").put("data", IMAGE);
      }
      parts.addObject().put("text", text);
      if (tools) {
        ArrayNode decls = body.putArray("tools").addObject().putArray("functionDeclarations");
        for (int i = 0, n = 1 + random.nextInt(5); i < n; i++) {
          ObjectNode fn = decls.addObject().put("name", "tool_" + i);
          fn.put("description", TextCorpus.prose(random, 120));
          fn.set("parameters", schema(i));
        }
      }
    }
    return new Request(bytes(body), name, claude ? null : model, false);
  }

  private static ObjectNode schema(int i) {
    ObjectNode schema = MAPPER.createObjectNode().put("type", "object");
    ObjectNode props = schema.putObject("properties");
    props.putObject("query").put("type", "string").put("description", "what to look up " + i);
    props.putObject("limit").put("type", "integer");
    schema.putArray("required").add("query");
    return schema;
  }

  /** Log-normal around the median (sigma 1), cut to [100 B, 200 KB]. */
  private static int size(SplittableRandom random, int median) {
    double gaussian = gaussian(random);
    return (int) Math.max(100, Math.min(MAX_BYTES, median * Math.exp(gaussian)));
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  private static String pick(SplittableRandom random, List<String> from) {
    return from.get(random.nextInt(from.size()));
  }

  private static byte[] bytes(ObjectNode body) {
    try {
      return MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
