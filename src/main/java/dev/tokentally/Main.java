package dev.tokentally;

import dev.tokentally.app.Cli;

/** The jar's entry point; the commands live in {@link Cli}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Cli.main(args);
  }
}
