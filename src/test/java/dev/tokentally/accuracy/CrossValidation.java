package dev.tokentally.accuracy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.counting.BlockCountCache;
import dev.tokentally.counting.CountOutcome;
import dev.tokentally.counting.RequestCounter;
import dev.tokentally.counting.TokenCount;
import dev.tokentally.models.ContentKind;
import dev.tokentally.models.CountMethod;
import dev.tokentally.models.ModelRegistry;
import dev.tokentally.models.Term;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Judges the registry's counting model on recordings it was not fitted to. The primary split leaves
 * one source out: for each repository the recordings came from, every family's free coefficients
 * are refitted on all the other repositories, and that repository's requests are counted by the
 * real counter with those coefficients, which is what {@code count} would answer for a new
 * deployment's traffic. A second split, {@link #FOLDS} folds by recording file (the turns of one
 * conversation stay together), is reported beside it.
 */
final class CrossValidation {
  static final int FOLDS = 5;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * Synthetic padding (one character or word repeated dozens of times, as prompt-caching tests
   * send): real traffic does not look like this and the Claude 2 vocabulary merges such runs
   * differently from the vendor's, so these cases are reported apart and not fitted.
   */
  static boolean repetitive(String text) {
    int run = 1;
    for (int i = 1; i < text.length(); i++) {
      run = text.charAt(i) == text.charAt(i - 1) ? run + 1 : 1;
      if (run >= 40) {
        return true;
      }
    }
    String[] words = text.split("\\s+");
    int same = 1;
    for (int i = 1; i < words.length; i++) {
      same = words[i].equals(words[i - 1]) ? same + 1 : 1;
      if (same >= 30) {
        return true;
      }
    }
    return false;
  }

  /** A case counted with the shipped registry: its terms, and what the shipped model answers. */
  record Counted(
      RecordedCase recorded,
      String family,
      ContentKind kind,
      CountMethod method,
      TokenCount.Terms terms,
      int shipped,
      boolean repetitive) {
    CoefficientFit.Observation observation() {
      return new CoefficientFit.Observation(terms.quantities(), terms.fixed(), recorded.expected());
    }

    /**
     * Gemini countTokens answers are counted with the family's separate countTokens terms, which
     * are held at the vendor's published examples, so they do not inform the fit of the others.
     */
    boolean fittable() {
      return !repetitive
          && method != CountMethod.HEURISTIC
          && !(recorded.countTokens() && recorded.vendor().equals("gemini"));
    }

    int fold() {
      return Math.floorMod(recorded.group().hashCode(), FOLDS);
    }
  }

  /**
   * A held-out prediction.
   *
   * @param textTokens the part of {@code predicted} from text terms, what a live correction scales
   */
  record Prediction(Counted counted, int predicted, double textTokens) {
    double absPct() {
      int expected = counted.recorded().expected();
      return 100.0 * Math.abs(predicted - expected) / expected;
    }

    int absTokens() {
      return Math.abs(predicted - counted.recorded().expected());
    }
  }

  private final JsonNode families;
  private final List<Counted> cases;
  private final List<RecordedCase> refused = new ArrayList<>();

  CrossValidation(List<RecordedCase> corpus) {
    this.families = shippedFamilies();
    RequestCounter shipped = RequestCounter.withDefaults();
    this.cases = new ArrayList<>();
    for (RecordedCase c : corpus) {
      CountOutcome result = c.count(shipped);
      if (result instanceof CountOutcome.Counted counted) {
        TokenCount count = counted.count();
        cases.add(
            new Counted(
                c,
                counted.model().family(),
                count.kind(),
                count.method(),
                count.terms(),
                count.total(),
                repetitive(c.request().toString())));
      } else {
        refused.add(c);
      }
    }
  }

  List<Counted> cases() {
    return cases;
  }

  List<RecordedCase> refused() {
    return refused;
  }

  /** The registry's families as shipped, for their free-term lists and held coefficients. */
  static JsonNode shippedFamilies() {
    try (InputStream in = ModelRegistry.class.getResourceAsStream("/models/models.json")) {
      return MAPPER.readTree(in).get("families");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Set<Term> free(JsonNode family) {
    Set<Term> free = EnumSet.noneOf(Term.class);
    family.path("fit").forEach(t -> free.add(Term.ofKey(t.asText())));
    return free;
  }

  static Map<Term, Double> held(JsonNode family, Set<Term> free) {
    Map<Term, Double> held = new LinkedHashMap<>();
    family
        .path("terms")
        .properties()
        .forEach(
            e -> {
              Term term = Term.ofKey(e.getKey());
              if (!free.contains(term)) {
                held.put(term, e.getValue().asDouble());
              }
            });
    return held;
  }

  /** Each family's coefficients fitted to {@code training}; families with no free term absent. */
  Map<String, Map<Term, Double>> fit(List<Counted> training) {
    Map<String, Map<Term, Double>> out = new TreeMap<>();
    families
        .properties()
        .forEach(
            e -> {
              Set<Term> free = free(e.getValue());
              if (free.isEmpty()) {
                return;
              }
              List<CoefficientFit.Observation> observations =
                  training.stream()
                      .filter(c -> c.family().equals(e.getKey()) && c.fittable())
                      .map(Counted::observation)
                      .toList();
              out.put(e.getKey(), CoefficientFit.fit(observations, free, held(e.getValue(), free)));
            });
    return out;
  }

  /** Every case, predicted by coefficients fitted without any recording of its source. */
  List<Prediction> heldOut() {
    return heldOut(c -> c.recorded().source());
  }

  /** Every case, predicted by coefficients fitted without its fold (recording-file folds). */
  List<Prediction> heldOutByFile() {
    return heldOut(c -> c.fold());
  }

  List<Prediction> heldOut(Function<Counted, Object> foldOf) {
    Map<Object, List<Counted>> folds = new LinkedHashMap<>();
    cases.forEach(c -> folds.computeIfAbsent(foldOf.apply(c), k -> new ArrayList<>()).add(c));
    List<Prediction> out = new ArrayList<>();
    folds.forEach(
        (fold, members) -> {
          List<Counted> training =
              cases.stream().filter(c -> !foldOf.apply(c).equals(fold)).toList();
          RequestCounter counter = counter(fit(training));
          for (Counted c : members) {
            TokenCount count = ((CountOutcome.Counted) c.recorded().count(counter)).count();
            out.add(new Prediction(c, count.total(), count.textTokens()));
          }
        });
    return out;
  }

  /** A counter whose families carry {@code coefficients} instead of the shipped ones. */
  RequestCounter counter(Map<String, Map<Term, Double>> coefficients) {
    ObjectNode root = MAPPER.createObjectNode();
    ObjectNode out = root.putObject("families");
    coefficients.forEach(
        (name, terms) -> {
          ObjectNode family = families.get(name).deepCopy();
          ObjectNode t = family.putObject("terms");
          terms.forEach((term, value) -> t.put(term.key(), value));
          out.set(name, family);
        });
    try {
      Path file = Files.createTempFile("tokentally-fold", ".json");
      try {
        MAPPER.writeValue(file.toFile(), root);
        return new RequestCounter(ModelRegistry.load(file, Map.of()), new BlockCountCache(1 << 16));
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
