package dev.tally.cli.verbs;

import dev.tally.cli.format.TerminalText;
import dev.tally.cli.ArgSpecs;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.format.HumanDuration;
import dev.tally.cli.format.HumanSize;
import dev.tally.cli.format.ShortId;
import dev.tally.cli.format.TextTable;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.OptionSpec;

/** {@code tally images}: list images, one row per repository tag. */
public final class ImagesCmd extends VerbCommand {

    private final OptionSpec quiet = flag("Only show image IDs", "-q", "--quiet");
    private final OptionSpec noTrunc = flag("Don't truncate output", "--no-trunc");
    private final OptionSpec at = option(String.class, "TIME",
            "Show the images as the log says they were at this time (admins only)", "--at");

    public ImagesCmd() {
        super("images", "List images");
    }

    @Override
    public Integer call() throws IOException {
        List<Object> images = api().getList("/images/json"
                + new QueryString().addIfPresent("at", apiTime(ArgSpecs.value(at))));
        List<String> lines = ArgSpecs.isSet(quiet) ? ids(images) : table(images, root().clock().instant());
        for (String line : lines) {
            out().println(line);
        }
        return 0;
    }

    private List<String> ids(List<Object> images) {
        Set<String> ids = new LinkedHashSet<>();
        for (Object item : images) {
            if (item instanceof Map<?, ?> image) {
                ids.add(TerminalText.escape(id(image)));
            }
        }
        return List.copyOf(ids);
    }

    /** The aligned table docker shows, header first. */
    List<String> table(List<Object> images, Instant now) {
        List<String> rows = new ArrayList<>();
        rows.add("REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE");
        for (Object item : images) {
            if (!(item instanceof Map<?, ?> image)) {
                continue;
            }
            long created = image.get("Created") instanceof Number n ? n.longValue() : 0L;
            long size = image.get("Size") instanceof Number n ? n.longValue() : 0L;
            String rest = "\t" + id(image) + "\t" + HumanDuration.ago(created, now) + "\t" + HumanSize.decimal(size);
            List<String> tags = new ArrayList<>();
            if (image.get("RepoTags") instanceof List<?> repoTags) {
                repoTags.forEach(tag -> tags.add(String.valueOf(tag)));
            }
            if (tags.isEmpty()) {
                tags.add("<none>:<none>");
            }
            for (String tag : tags) {
                int colon = tag.lastIndexOf(':');
                boolean hasTag = colon > tag.lastIndexOf('/');
                rows.add((hasTag ? tag.substring(0, colon) + "\t" + tag.substring(colon + 1) : tag + "\t<none>") + rest);
            }
        }
        return TextTable.align(rows);
    }

    private String id(Map<?, ?> image) {
        String id = String.valueOf(image.get("Id"));
        return ArgSpecs.isSet(noTrunc) ? id : ShortId.of(id);
    }
}
