/**
 * The {@code tally} command line: the root command ({@link dev.tally.cli.TallyCli}), the verb
 * table ({@link dev.tally.cli.Verbs}), what every verb shares ({@link dev.tally.cli.VerbCommand},
 * {@link dev.tally.cli.ArgSpecs} for options declared in code), the Docker API as the CLI calls it
 * ({@link dev.tally.cli.DaemonApi}) and the one place failures become exit codes
 * ({@link dev.tally.cli.ExitCodeMapper}). A new verb is a {@code VerbCommand} in the package of its
 * role, named in {@code Verbs}; a new daemon call is a path given to {@code DaemonApi}.
 */
package dev.tally.cli;
