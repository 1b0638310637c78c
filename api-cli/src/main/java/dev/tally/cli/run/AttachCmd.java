package dev.tally.cli.run;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.CliException;
import dev.tally.cli.DaemonApi;
import dev.tally.cli.ExitCodeMapper;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.http.HijackedConnection;
import dev.tally.cli.http.HttpResponse;
import java.io.IOException;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code tally attach}: attach the CLI's streams to a running container until its
 * output ends, then exit with the container's status.
 */
public final class AttachCmd extends VerbCommand {

    private final OptionSpec noStdin = flag("Do not attach STDIN", "--no-stdin");
    private final PositionalParamSpec container = parameter("0", "1", "CONTAINER");

    public AttachCmd() {
        super("attach", "Attach local standard input, output, and error streams to a running container");
    }

    @Override
    public Integer call() throws IOException {
        DaemonApi api = api();
        Map<String, Object> details = api.getObject(containerPath(ArgSpecs.value(container)) + "/json");
        Map<?, ?> state = details.get("State") instanceof Map<?, ?> s ? s : Map.of();
        if (!Boolean.TRUE.equals(state.get("Running"))) {
            throw new CliException("You cannot attach to a stopped container, start it first",
                    ExitCodeMapper.GENERAL_FAILURE);
        }
        Map<?, ?> config = details.get("Config") instanceof Map<?, ?> c ? c : Map.of();
        boolean tty = Boolean.TRUE.equals(config.get("Tty"));
        boolean attachStdin = Boolean.TRUE.equals(config.get("OpenStdin")) && !ArgSpecs.isSet(noStdin);
        String path = containerPath(String.valueOf(details.get("Id")));
        HijackedSession session = new HijackedSession(io());
        try (HijackedConnection attach = api.hijack(path + "/attach" + AttachedRun.attachQuery(attachStdin))) {
            session.run(attach, tty, attachStdin, () -> {
                if (session.rawTerminal(tty)) {
                    HijackedSession.resizeToTerminal(api, path + "/resize");
                }
            });
        }
        try (HttpResponse wait = api.stream("POST", path + "/wait")) {
            return WaitStatus.read(wait.bodyText(), ExitCodeMapper.GENERAL_FAILURE);
        }
    }
}
