package dev.tally.cli.run;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.CliException;
import dev.tally.cli.DaemonApi;
import dev.tally.cli.ExitCodeMapper;
import dev.tally.cli.VerbCommand;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code tally start}: start stopped containers and print their names; with -a,
 * attach to one container and exit with its status.
 */
public final class StartCmd extends VerbCommand {

    private final OptionSpec attachFlag = flag("Attach STDOUT/STDERR and forward signals", "-a", "--attach");
    private final OptionSpec interactiveFlag = flag("Attach container's STDIN", "-i", "--interactive");
    private final PositionalParamSpec containerNames = names("CONTAINER");

    public StartCmd() {
        super("start", "Start one or more stopped containers");
    }

    @Override
    public Integer call() throws IOException {
        boolean attach = ArgSpecs.isSet(attachFlag);
        boolean interactive = ArgSpecs.isSet(interactiveFlag);
        List<String> containers = ArgSpecs.values(containerNames);
        DaemonApi api = api();
        if (!attach && !interactive) {
            return forEachName(containers, name -> {
                api.post(containerPath(name) + "/start");
                printLine(name);
            });
        }
        if (containers.size() > 1) {
            throw new CliException("you cannot start and attach multiple containers at once",
                    ExitCodeMapper.GENERAL_FAILURE);
        }
        Map<String, Object> container = api.getObject(containerPath(containers.get(0)) + "/json");
        String id = String.valueOf(container.get("Id"));
        Map<?, ?> config = container.get("Config") instanceof Map<?, ?> c ? c : Map.of();
        Map<?, ?> hostConfig = container.get("HostConfig") instanceof Map<?, ?> h ? h : Map.of();
        boolean tty = Boolean.TRUE.equals(config.get("Tty"));
        boolean attachStdin = interactive && Boolean.TRUE.equals(config.get("OpenStdin"));
        boolean autoRemove = Boolean.TRUE.equals(hostConfig.get("AutoRemove"));
        return new AttachedRun(api, io())
                .run(id, tty, attachStdin, autoRemove, () -> api.post(containerPath(id) + "/start"));
    }
}
