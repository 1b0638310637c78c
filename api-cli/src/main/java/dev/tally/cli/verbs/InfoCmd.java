package dev.tally.cli.verbs;

import dev.tally.cli.format.TerminalText;
import dev.tally.cli.TallyCli;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.format.HumanSize;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** {@code tally info}: system-wide information from {@code GET /info}; fields the daemon omits are not shown. */
public final class InfoCmd extends VerbCommand {

    /** Top-level fields shown after the counts, in docker's order: label then JSON field. */
    private static final String[][] FIELDS = {
        {"Server Version", "ServerVersion"},
        {"Storage Driver", "Driver"},
        {"Logging Driver", "LoggingDriver"},
        {"Cgroup Driver", "CgroupDriver"},
        {"Cgroup Version", "CgroupVersion"},
        {"Kernel Version", "KernelVersion"},
        {"Operating System", "OperatingSystem"},
        {"OSType", "OSType"},
        {"Architecture", "Architecture"},
        {"CPUs", "NCPU"},
    };

    private static final String[][] TRAILING_FIELDS = {
        {"Name", "Name"},
        {"ID", "ID"},
        {"Docker Root Dir", "DockerRootDir"},
        {"Debug Mode", "Debug"},
    };

    public InfoCmd() {
        super("info", "Display system-wide information");
    }

    @Override
    public Integer call() throws IOException {
        out().println("Client:");
        out().println(" Version:    " + TallyCli.VERSION);
        out().println();
        Map<String, Object> info = api().getObject("/info");
        out().println("Server:");
        field(info, " Containers", "Containers");
        field(info, "  Running", "ContainersRunning");
        field(info, "  Paused", "ContainersPaused");
        field(info, "  Stopped", "ContainersStopped");
        field(info, " Images", "Images");
        for (String[] field : FIELDS) {
            field(info, " " + field[0], field[1]);
        }
        if (info.get("MemTotal") instanceof Number memory) {
            out().println(" Total Memory: " + HumanSize.binary(memory.doubleValue()));
        }
        for (String[] field : TRAILING_FIELDS) {
            field(info, " " + field[0], field[1]);
        }
        if (info.get("Warnings") instanceof List<?> warnings) {
            for (Object warning : warnings) {
                err().println("WARNING: " + TerminalText.escape(warning));
            }
        }
        return 0;
    }

    private void field(Map<String, Object> info, String label, String key) {
        Object value = info.get(key);
        if (value != null && !value.toString().isEmpty()) {
            printLine(label + ": " + value);
        }
    }
}
