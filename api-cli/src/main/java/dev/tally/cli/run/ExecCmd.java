package dev.tally.cli.run;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.CliException;
import dev.tally.cli.DaemonApi;
import dev.tally.cli.ExitCodeMapper;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.http.DaemonErrorException;
import dev.tally.cli.http.HijackedConnection;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code tally exec}: run a command in a running container, attached unless -d;
 * the exit code is the command's. Option parsing stops at CONTAINER, so the rest
 * is the command.
 */
public final class ExecCmd extends VerbCommand {

    private final OptionSpec interactive = flag("Keep STDIN open even if not attached", "-i", "--interactive");
    private final OptionSpec tty = flag("Allocate a pseudo-TTY", "-t", "--tty");
    private final OptionSpec detach = flag("Detached mode: run command in the background", "-d", "--detach");
    private final OptionSpec env = repeatable("KEY=VALUE", "Set environment variables", "-e", "--env");
    private final OptionSpec workdir = option(String.class, "DIR", "Working directory inside the container",
            "-w", "--workdir");
    private final OptionSpec user = option(String.class, "USER",
            "Username or UID (format: <name|uid>[:<group|gid>])", "-u", "--user");
    private final PositionalParamSpec container = parameter("0", "1", "CONTAINER");
    private final PositionalParamSpec command = ArgSpecs.parameters(spec(), "1..*", "1..*", "COMMAND",
            "Command and arguments");

    public ExecCmd() {
        super("exec", "Execute a command in a running container");
        spec().parser().stopAtPositional(true);
    }

    @Override
    public Integer call() throws IOException {
        boolean isTty = ArgSpecs.isSet(tty);
        boolean isDetached = ArgSpecs.isSet(detach);
        boolean sendStdin = ArgSpecs.isSet(interactive);
        DaemonApi api = api();
        try {
            int[] consoleSize = isTty && io().terminal() ? TerminalMode.size() : null;
            String id = create(api, isTty, isDetached, sendStdin, consoleSize);
            String start = "/exec/" + QueryString.pathSegment(id) + "/start";
            Map<String, Object> startBody = new LinkedHashMap<>();
            if (consoleSize != null) {
                startBody.put("ConsoleSize", List.of(consoleSize[0], consoleSize[1]));
            }
            startBody.put("Detach", isDetached);
            startBody.put("Tty", isTty);
            if (isDetached) {
                api.postJson(start, startBody);
                return 0;
            }
            try (HijackedConnection connection = api.hijack(start, startBody)) {
                HijackedSession session = new HijackedSession(io());
                session.run(connection, isTty, sendStdin, () -> {
                    if (session.rawTerminal(isTty)) {
                        HijackedSession.resizeToTerminal(api, "/exec/" + QueryString.pathSegment(id) + "/resize");
                    }
                });
            }
            Object exitCode = api.getObject("/exec/" + QueryString.pathSegment(id) + "/json").get("ExitCode");
            return exitCode instanceof Number number ? number.intValue() : ExitCodeMapper.GENERAL_FAILURE;
        } catch (DaemonErrorException e) {
            throw new CliException(e.getMessage(), exitCode(e.getMessage()));
        }
    }

    /** Creates the exec instance as docker does and returns its ID. */
    private String create(DaemonApi api, boolean isTty, boolean isDetached, boolean sendStdin, int[] consoleSize)
            throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("AttachStdin", sendStdin);
        body.put("AttachStdout", !isDetached);
        body.put("AttachStderr", !isDetached);
        body.put("Cmd", ArgSpecs.values(command));
        body.put("Tty", isTty);
        body.put("Env", List.copyOf(ArgSpecs.values(env)));
        body.put("User", valueOrEmpty(user));
        body.put("WorkingDir", valueOrEmpty(workdir));
        body.put("Detach", isDetached);
        if (consoleSize != null) {
            body.put("ConsoleSize", List.of(consoleSize[0], consoleSize[1]));
        }
        Map<String, Object> created = api.postJson(containerPath(ArgSpecs.value(container)) + "/exec", body);
        return String.valueOf(created.get("Id"));
    }

    private static String valueOrEmpty(OptionSpec option) {
        String value = ArgSpecs.value(option);
        return value == null ? "" : value;
    }

    /** 127 when the command does not exist, as docker reports it; otherwise 1. */
    static int exitCode(String message) {
        return message.contains("executable file not found") ? ExitCodeMapper.NOT_FOUND
                : ExitCodeMapper.GENERAL_FAILURE;
    }
}
