package dev.tally.cli.run;

import dev.tally.cli.DaemonApi;
import dev.tally.cli.ExitCodeMapper;
import dev.tally.cli.StdStreams;
import dev.tally.cli.TallyCli;
import dev.tally.cli.verbs.PullCmd;
import dev.tally.cli.verbs.PushCmd;
import dev.tally.cli.verbs.VersionCmd;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The lean path of {@code tally run} (and of a bare {@code tally version}, of {@code tally pull
 * [-q] [--platform P] NAME} and of {@code tally push [-q] NAME}): a
 * command line spelled the common way is parsed here, without picocli, whose
 * parser costs a third of the CLI's start-up. Anything else (--help, an unknown or repeated option, a missing
 * value, a value that looks like an option, an {@code @file} argument,
 * {@code --}, attached short values) is left to picocli, which reports errors
 * and prints usage; for what this class accepts, both give the same options
 * (RunCmd's option table and this one are held together by a test).
 *
 * <p>What it saves, measured on the installed launcher (class-data archive made the same way for
 * both builds), hyperfine, the builds interleaved in blocks of 10, on a busy 2-core host, medians
 * with and without this class: {@code tally version} (2 x 40 runs) 118 and 174 ms, then 533 and
 * 657 ms wall, CPU 67 and 98 ms, then 73 and 107 ms; {@code tally run --rm busybox true} (40 and 50
 * runs) CPU 78 and 117 ms, then 82 and 125 ms (its wall time, mostly the daemon's, 375 and 390 ms,
 * then 749 and 980 ms).
 */
public final class QuickRun {

    /** Options taking a value, each with all its names; the first name stands for the option. */
    private static final List<List<String>> VALUED = List.of(
            List.of("--name"), List.of("-e", "--env"), List.of("-w", "--workdir"), List.of("-u", "--user"),
            List.of("--entrypoint"), List.of("-h", "--hostname"), List.of("-l", "--label"),
            List.of("-m", "--memory"), List.of("--cpus"), List.of("--pids-limit"), List.of("-v", "--volume"),
            List.of("--network"), List.of("--cap-add"), List.of("--cap-drop"), List.of("--device"),
            List.of("--security-opt"), List.of("--pid"), List.of("--tmpfs"), List.of("--env-file"), List.of("--mount"),
            List.of("--stop-signal"), List.of("--stop-timeout"));
    private static final Set<String> REPEATABLE = Set.of("-e", "-l", "-v", "--cap-add", "--cap-drop", "--device",
            "--security-opt", "--tmpfs", "--env-file", "--mount");
    private static final List<List<String>> FLAGS = List.of(
            List.of("-i", "--interactive"), List.of("-t", "--tty"), List.of("--rm"), List.of("-d", "--detach"),
            List.of("--privileged"), List.of("--read-only"));

    /** A run command line understood without picocli. */
    record Parsed(String host, ContainerOptions options, boolean detach) {
    }

    /** A pull command line understood without picocli; {@code platform} null when not given. */
    record Pull(String host, String image, String platform, boolean quiet) {
    }

    /** A push command line understood without picocli. */
    record Push(String host, String image, boolean quiet) {
    }

    private QuickRun() {
    }

    /**
     * Runs the command line when it is one the lean path understands: a {@code run}, or a
     * {@code version} without arguments.
     *
     * @return the process exit code, or null when picocli must take the command line
     */
    public static Integer execute(String[] args, Map<String, String> env, StdStreams io, ExitCodeMapper failures) {
        if (!env.getOrDefault("DOCKER_TLS_VERIFY", "").isEmpty()) {
            return null; // TLS settings are the root command's business
        }
        Parsed parsed = parse(args);
        Pull pull = parsed == null ? parsePull(args) : null;
        Push push = parsed == null && pull == null ? parsePush(args) : null;
        String verb = parsed != null ? "run" : pull != null ? "pull" : push != null ? "push"
                : isPlainVersion(args) ? "version" : null;
        if (verb == null) {
            return null;
        }
        try {
            if (push != null) {
                PushCmd.push(DaemonApi.at(TallyCli.daemonAddress(push.host(), env)), io.out(), push.image(),
                        push.quiet());
                return 0;
            }
            if (pull != null) {
                PullCmd.pull(DaemonApi.at(TallyCli.daemonAddress(pull.host(), env)), io.out(), pull.image(),
                        pull.platform(), pull.quiet());
                return 0;
            }
            if (parsed != null) {
                String address = TallyCli.daemonAddress(parsed.host(), env);
                return ContainerRun.run(parsed.options(), parsed.detach(), () -> DaemonApi.at(address), io, env);
            }
            return VersionCmd.print(io.out(), DaemonApi.at(TallyCli.daemonAddress(hostOf(args), env)));
        } catch (IOException | RuntimeException | Error failure) {
            return failures.report(verb, failure);
        }
    }

    /** Whether the command line is {@code version} alone, after the root's host option. */
    static boolean isPlainVersion(String[] args) {
        int verb = verbIndex(args);
        return verb >= 0 && verb == args.length - 1 && args[verb].equals("version") && !hasAtFile(args);
    }

    /** The parsed {@code run} command line, or null when it is not one for the lean path. */
    static Parsed parse(String[] args) {
        int i = verbIndex(args);
        if (i < 0 || hasAtFile(args) || !args[i].equals("run")) {
            return null;
        }
        String host = hostOf(args);
        i++;
        ContainerOptions options = new ContainerOptions();
        Set<String> seen = new HashSet<>();
        boolean detach = false;
        for (; i < args.length && args[i].startsWith("-"); i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.startsWith("--") ? arg.indexOf('=') : -1;
            String name = eq < 0 ? arg : arg.substring(0, eq);
            List<String> valued = find(VALUED, name);
            if (valued != null) {
                if (eq >= 0) {
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                }
                String key = valued.get(0);
                boolean optionLike = value != null && value.startsWith("-")
                        && !((key.equals("--pids-limit") || key.equals("--stop-timeout")) && isNumber(value));
                if (value == null || optionLike || !seen.add(key) && !REPEATABLE.contains(key)
                        || !assign(options, key, value)) {
                    return null;
                }
                continue;
            }
            if (eq >= 0) {
                return null;
            }
            for (String flag : flagNames(arg)) {
                List<String> known = find(FLAGS, flag);
                if (known == null || !seen.add(known.get(0))) {
                    return null;
                }
                switch (known.get(0)) {
                    case "-i" -> options.interactive = true;
                    case "-t" -> options.tty = true;
                    case "--rm" -> options.autoRemove = true;
                    case "--privileged" -> options.privileged = true;
                    case "--read-only" -> options.readOnly = true;
                    default -> detach = true;
                }
            }
        }
        if (i >= args.length || args[i].equals("--")) {
            return null;
        }
        options.image = args[i];
        for (i++; i < args.length; i++) {
            if (args[i].equals("--")) {
                return null;
            }
            options.command.add(args[i]);
        }
        return new Parsed(host, options, detach);
    }

    /**
     * The parsed {@code pull} command line: {@code -q}/{@code --quiet} and {@code --platform P} (or
     * {@code --platform=P}) at most once each and one name, in any order; null for anything else (picocli's).
     * The pull's own time is the daemon's: what the lean path saves is the CLI's start before the
     * request, on top of which {@code tally pull} waits.
     */
    static Pull parsePull(String[] args) {
        return parseTransfer(args, "pull");
    }

    /**
     * The parsed {@code push} command line: {@code -q}/{@code --quiet} at most once and one name, in
     * any order; null for anything else (picocli's). As for a pull, what this saves is the CLI's
     * start before the request.
     */
    static Push parsePush(String[] args) {
        Pull line = parseTransfer(args, "push");
        return line == null ? null : new Push(line.host(), line.image(), line.quiet());
    }

    /** A pull's or push's command line (push has no --platform), or null when it is picocli's. */
    private static Pull parseTransfer(String[] args, String verb) {
        int i = verbIndex(args);
        if (i < 0 || hasAtFile(args) || !args[i].equals(verb)) {
            return null;
        }
        boolean takesPlatform = verb.equals("pull");
        String platform = null;
        boolean quiet = false;
        String image = null;
        for (i++; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("-") && image == null) {
                image = arg;
            } else if ((arg.equals("-q") || arg.equals("--quiet")) && !quiet) {
                quiet = true;
            } else if (takesPlatform && arg.equals("--platform") && platform == null && i + 1 < args.length
                    && !args[i + 1].startsWith("-")) {
                platform = args[++i];
            } else if (takesPlatform && arg.startsWith("--platform=") && platform == null) {
                platform = arg.substring("--platform=".length());
            } else {
                return null;
            }
        }
        return image == null ? null : new Pull(hostOf(args), image, platform, quiet);
    }

    /** picocli expands {@code @file} arguments: such a command line is its to read. */
    private static boolean hasAtFile(String[] args) {
        for (String arg : args) {
            if (arg.startsWith("@")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where the verb is: after {@code -H URL}, {@code --host URL} or {@code --host=URL}, or
     * first; -1 when the root's options are spelled otherwise or there is no verb.
     */
    private static int verbIndex(String[] args) {
        if (args.length > 0 && (args[0].equals("-H") || args[0].equals("--host"))) {
            return args.length > 2 && !args[1].startsWith("-") ? 2 : -1;
        }
        if (args.length > 0 && args[0].startsWith("--host=")) {
            return args.length > 1 ? 1 : -1;
        }
        return args.length > 0 ? 0 : -1;
    }

    /** The value of the root's host option, or null when not given. */
    private static String hostOf(String[] args) {
        if (verbIndex(args) == 2) {
            return args[1];
        }
        return verbIndex(args) == 1 ? args[0].substring("--host=".length()) : null;
    }

    /** The flags one argument names: itself, or each letter of a cluster like {@code -it}. */
    private static List<String> flagNames(String arg) {
        if (arg.startsWith("--") || arg.length() <= 2) {
            return List.of(arg);
        }
        String[] cluster = new String[arg.length() - 1];
        for (int c = 1; c < arg.length(); c++) {
            cluster[c - 1] = "-" + arg.charAt(c);
        }
        return List.of(cluster);
    }

    private static List<String> find(List<List<String>> table, String name) {
        for (List<String> names : table) {
            if (names.contains(name)) {
                return names;
            }
        }
        return null;
    }

    private static boolean isNumber(String value) {
        return value.matches("-?[0-9]{1,18}");
    }

    /** Sets the option's value; false when the value is one picocli must judge. */
    private static boolean assign(ContainerOptions options, String key, String value) {
        switch (key) {
            case "--name" -> options.name = value;
            case "-e" -> options.env.add(value);
            case "-w" -> options.workdir = value;
            case "-u" -> options.user = value;
            case "--entrypoint" -> options.entrypoint = value;
            case "-h" -> options.hostname = value;
            case "-l" -> options.labels.add(value);
            case "-m" -> options.memory = value;
            case "--cpus" -> options.cpus = value;
            case "--pids-limit" -> {
                if (!isNumber(value)) {
                    return false;
                }
                options.pidsLimit = Long.valueOf(value);
            }
            case "-v" -> options.volumes.add(value);
            case "--network" -> options.network = value;
            case "--cap-add" -> options.capAdd.add(value);
            case "--cap-drop" -> options.capDrop.add(value);
            case "--tmpfs" -> options.tmpfs.add(value);
            case "--env-file" -> options.envFiles.add(value);
            case "--mount" -> options.mounts.add(value);
            case "--device" -> options.devices.add(value);
            case "--security-opt" -> options.securityOpt.add(value);
            case "--pid" -> options.pid = value;
            case "--stop-signal" -> options.stopSignal = value;
            case "--stop-timeout" -> {
                if (!value.matches("-?[0-9]{1,9}")) {
                    return false;
                }
                options.stopTimeout = Integer.valueOf(value);
            }
            default -> {
                return false;
            }
        }
        return true;
    }
}
