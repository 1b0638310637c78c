/**
 * Verbs that create containers or join their streams ({@code run}, {@code create}, {@code start},
 * {@code attach}, {@code exec}), the container options they share ({@link
 * dev.tally.cli.run.ContainerOptions}, declared for picocli by {@link dev.tally.cli.run.ContainerFlags}
 * and read without it by {@link dev.tally.cli.run.QuickRun}), and the attached sessions over
 * hijacked connections. A new {@code run}/{@code create} option goes in ContainerOptions,
 * ContainerFlags and QuickRun's table (QuickRunTest holds the two parsers together).
 */
package dev.tally.cli.run;
