package dev.tokentally.accuracy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.counting.CountResult;
import dev.tokentally.counting.RequestCounter;
import dev.tokentally.counting.TokenCount;
import java.nio.file.Path;
import java.util.List;

/**
 * Prints, per recorded case, the count and the terms it was built from, one JSON line each: the
 * input for exploring a model of the counts outside the test. Args: corpus files (JSON arrays).
 */
public final class CorpusDump {
  private CorpusDump() {}

  public static void main(String[] args) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    RequestCounter counter = RequestCounter.withDefaults();
    for (String file : args) {
      List<RecordedCase> cases = RecordedCase.read(Path.of(file));
      for (RecordedCase c : cases) {
        ObjectNode line = mapper.createObjectNode();
        line.put("id", c.id());
        line.put("vendor", c.vendor());
        line.put("model", c.model());
        line.put("expected", c.expected());
        line.put("group", c.group());
        line.put("source", c.source());
        CountResult result;
        try {
          result = c.count(counter);
        } catch (RuntimeException e) {
          line.put("crash", e.toString());
          System.out.println(line);
          continue;
        }
        if (result instanceof CountResult.Refused refused) {
          line.put("refused", refused.code().code() + ": " + refused.message());
        } else {
          CountResult.Counted counted = (CountResult.Counted) result;
          TokenCount count = counted.count();
          line.put("family", counted.model().family());
          line.put("resolved", counted.model().id());
          line.put("total", count.total());
          line.put("method", count.method().label());
          line.put("kind", count.kind().key());
          line.put("fixed", count.terms().fixed());
          ObjectNode terms = line.putObject("terms");
          count.terms().quantities().forEach((t, q) -> terms.put(t.key(), q));
          line.set("notes", mapper.valueToTree(count.notes()));
        }
        System.out.println(line);
      }
    }
  }
}
