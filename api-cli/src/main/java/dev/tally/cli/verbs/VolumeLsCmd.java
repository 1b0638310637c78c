package dev.tally.cli.verbs;

import dev.tally.cli.format.TerminalText;
import dev.tally.cli.ArgSpecs;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.format.TextTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;

/** {@code tally volume ls}: list volumes as docker's DRIVER / VOLUME NAME table, or only names with -q. */
final class VolumeLsCmd extends VerbCommand {

    private final OptionSpec quiet = flag("Only display volume names", "-q", "--quiet");

    VolumeLsCmd() {
        super("ls", "List volumes");
    }

    @Override
    public Integer call() throws IOException {
        Map<String, Object> answer = api().getObject("/volumes");
        boolean namesOnly = ArgSpecs.isSet(quiet);
        List<String> rows = new ArrayList<>();
        if (!namesOnly) {
            rows.add("DRIVER\tVOLUME NAME");
        }
        if (answer.get("Volumes") instanceof List<?> volumes) {
            for (Object item : volumes) {
                if (item instanceof Map<?, ?> volume) {
                    String volumeName = String.valueOf(volume.get("Name"));
                    rows.add(namesOnly ? TerminalText.escape(volumeName) : volume.get("Driver") + "\t" + volumeName);
                }
            }
        }
        for (String line : namesOnly ? rows : TextTable.align(rows)) {
            out().println(line);
        }
        return 0;
    }
}
