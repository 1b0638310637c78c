package dev.tally.cli;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tally start}: start stopped containers and print their names; with -a,
 * attach to one container and exit with its status.
 */
@Command(name = "start", description = "Start one or more stopped containers")
final class StartCmd extends VerbCommand {

    @Option(names = {"-a", "--attach"}, description = "Attach STDOUT/STDERR and forward signals")
    boolean attach;

    @Option(names = {"-i", "--interactive"}, description = "Attach container's STDIN")
    boolean interactive;

    @Parameters(arity = "1..*", paramLabel = "CONTAINER")
    List<String> containers;

    @Override
    public Integer call() throws IOException {
        DaemonApi api = api();
        if (!attach && !interactive) {
            return forEachName(containers, name -> {
                api.post(containerPath(name) + "/start");
                out().println(name);
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
