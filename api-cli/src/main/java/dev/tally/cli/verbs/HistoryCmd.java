package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.format.HumanDuration;
import dev.tally.cli.format.HumanSize;
import dev.tally.cli.format.ShortId;
import dev.tally.cli.format.TextTable;
import dev.tally.cli.format.TerminalText;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code tally history IMAGE}: the image's layers, newest first, as Docker's table. */
public final class HistoryCmd extends VerbCommand {

    private final OptionSpec quiet = flag("Only show image IDs", "-q", "--quiet");
    private final OptionSpec noTrunc = flag("Don't truncate output", "--no-trunc");
    private final OptionSpec human = optionWithDefault("BOOL", "true", "Print sizes and dates in human readable format",
            "-H", "--human");
    private final PositionalParamSpec image = parameter("0", "1", "IMAGE", "The image");

    public HistoryCmd() {
        this("history");
    }

    /** As {@code history}, or {@code image history}. */
    HistoryCmd(String name) {
        super(name, "Show the history of an image");
    }

    @Override
    public Integer call() throws IOException {
        List<Object> rows = api().getList("/images/" + QueryString.pathSegment(ArgSpecs.value(image)) + "/history");
        boolean full = ArgSpecs.isSet(noTrunc);
        boolean readable = !"false".equals(ArgSpecs.value(human));
        Instant now = root().clock().instant();
        List<String> lines = new ArrayList<>();
        if (!ArgSpecs.isSet(quiet)) {
            lines.add("IMAGE\tCREATED\tCREATED BY\tSIZE\tCOMMENT");
        }
        for (Object item : rows) {
            if (!(item instanceof Map<?, ?> row)) {
                continue;
            }
            String id = String.valueOf(row.get("Id"));
            String shown = id.equals("<missing>") || full ? id : ShortId.of(id);
            if (ArgSpecs.isSet(quiet)) {
                lines.add(TerminalText.escape(shown));
                continue;
            }
            long created = row.get("Created") instanceof Number n ? n.longValue() : 0L;
            long size = row.get("Size") instanceof Number n ? n.longValue() : 0L;
            String by = String.valueOf(row.get("CreatedBy") == null ? "" : row.get("CreatedBy"));
            if (!full && by.length() > 45) {
                by = by.substring(0, 44) + "…";
            }
            lines.add(shown + "\t" + (readable ? HumanDuration.ago(created, now) : Instant.ofEpochSecond(created).toString())
                    + "\t" + by + "\t" + (readable ? HumanSize.decimal(size) : String.valueOf(size)) + "\t"
                    + (row.get("Comment") == null ? "" : row.get("Comment")));
        }
        for (String line : ArgSpecs.isSet(quiet) ? lines : TextTable.align(lines)) {
            out().println(line);
        }
        return 0;
    }
}
