/**
 * The composition root: loading configuration ({@link dev.tokentally.app.Setting} rows), the {@link
 * dev.tokentally.app.Wiring} object that {@code main}, the test harnesses and the benchmark share,
 * the application lifecycle and the command line.
 */
package dev.tokentally.app;
