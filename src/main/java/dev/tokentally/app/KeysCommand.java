package dev.tokentally.app;

import dev.tokentally.access.KeyRing;
import dev.tokentally.access.KeysFile;
import dev.tokentally.access.Scope;
import dev.tokentally.access.Secrets;
import dev.tokentally.config.ConfigException;
import java.io.PrintStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code keys new --scopes count,usage [--names team-a/] [--label team-a]}: mints a key and prints
 * it on the first line and the keys-file line (its hash, never the key) on the second. The key is
 * shown once; only the hash is kept anywhere.
 */
final class KeysCommand {
  static final String HELP =
      "usage: keys new --scopes count,usage,metrics [--names PREFIX,...] [--label LABEL]";

  private KeysCommand() {}

  static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty() || !args.get(0).equals("new")) {
      err.println(HELP);
      return 2;
    }
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    List<String> names = List.of();
    String label = null;
    try {
      for (int i = 1; i < args.size(); i++) {
        String flag = args.get(i);
        if (i + 1 >= args.size()) {
          throw new ConfigException(flag + " needs a value");
        }
        String value = args.get(++i);
        switch (flag) {
          case "--scopes" -> scopes.addAll(Scope.parseAll(value));
          case "--names" -> names = List.of(value.split(","));
          case "--label" -> label = value;
          default -> throw new ConfigException("unknown option " + flag);
        }
      }
      if (scopes.isEmpty()) {
        throw new ConfigException("--scopes is required");
      }
      String key = Secrets.newKey();
      String line = KeysFile.line(key, scopes, names, label);
      // The line must read back as the same key, or the user would keep a key that never works.
      if (KeyRing.of(KeysFile.parse(line)).match(key).isEmpty()) {
        throw new IllegalStateException("a new key does not match its own line");
      }
      out.println(key);
      out.println(line);
      return 0;
    } catch (ConfigException e) {
      err.println("tokentally: " + e.getMessage());
      err.println(HELP);
      return 2;
    }
  }
}
