/**
 * How the CLI prints what the daemon answers, as docker prints it: tables, {@code --format}
 * templates, sizes, durations, short ids, indented JSON and JSON lines. No daemon calls here.
 */
package dev.tally.cli.format;
