package dev.tally.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/** Runs the CLI in-process against a daemon address, with captured streams and a fixed clock. */
public record CliRun(int exitCode, String stdout, String stderr) {

    public static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    public static CliRun run(String daemonAddress, String... args) {
        return runWithStdin(daemonAddress, new byte[0], args);
    }

    public static CliRun runWithStdin(String daemonAddress, byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        StdStreams io = new StdStreams(new ByteArrayInputStream(stdin),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                false);
        int code = TallyCli.execute(args, Map.of("TALLY_HOST", daemonAddress, "FROM_ENV", "yes"), io,
                Clock.fixed(NOW, ZoneOffset.UTC));
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs the CLI with no environment at all (the daemon's address only from the arguments) and the real clock. */
    public static CliRun runWithoutEnv(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        StdStreams io = new StdStreams(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                false);
        int code = TallyCli.execute(args, Map.of(), io, Clock.systemUTC());
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Streams that read nothing and keep nothing: for parsing a command line only. */
    public static StdStreams discarded() {
        return new StdStreams(new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false);
    }
}
