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
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code tally images}: list images, one row per repository tag. */
public final class ImagesCmd extends VerbCommand {

    private final OptionSpec quiet = flag("Only show image IDs", "-q", "--quiet");
    private final OptionSpec all = flag("Show all images (tally keeps no intermediate images: the same as without)",
            "-a", "--all");
    private final OptionSpec digests = flag("Show digests", "--digests");
    private final OptionSpec noTrunc = flag("Don't truncate output", "--no-trunc");
    private final OptionSpec filters = repeatable("FILTER",
            "Filter output based on conditions provided (reference=, dangling=, before=, since=, label=)",
            "-f", "--filter");
    private final OptionSpec at = option(String.class, "TIME",
            "Show the images as the log says they were at this time (admins only)", "--at");
    private final PositionalParamSpec repository = parameter("0", "0..1", "REPOSITORY[:TAG]",
            "Only images of this repository (and tag)");

    public ImagesCmd() {
        this("images");
    }

    /** As {@code images}, or {@code image ls}. */
    ImagesCmd(String name) {
        super(name, "List images");
    }

    @Override
    public Integer call() throws IOException {
        List<String> asked = new ArrayList<>(ArgSpecs.values(filters));
        String named = ArgSpecs.value(repository);
        if (named != null) {
            asked.add("reference=" + named);
        }
        List<Object> images = api().getList("/images/json"
                + new QueryString().addFlag("all", ArgSpecs.isSet(all)).addFlag("digests", ArgSpecs.isSet(digests))
                        .addIfPresent("filters", FilterArguments.toJson(asked))
                        .addIfPresent("at", apiTime(ArgSpecs.value(at))));
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
        boolean withDigests = ArgSpecs.isSet(digests);
        List<String> rows = new ArrayList<>();
        rows.add(withDigests ? "REPOSITORY\tTAG\tDIGEST\tIMAGE ID\tCREATED\tSIZE" : "REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE");
        for (Object item : images) {
            if (!(item instanceof Map<?, ?> image)) {
                continue;
            }
            long created = image.get("Created") instanceof Number n ? n.longValue() : 0L;
            long size = image.get("Size") instanceof Number n ? n.longValue() : 0L;
            String rest = "\t" + id(image) + "\t" + HumanDuration.ago(created, now) + "\t" + HumanSize.decimal(size);
            List<String> tags = strings(image.get("RepoTags"));
            List<String> repoDigests = strings(image.get("RepoDigests"));
            if (tags.isEmpty()) {
                tags.add("<none>:<none>");
            }
            for (String tag : tags) {
                int colon = tag.lastIndexOf(':');
                boolean hasTag = colon > tag.lastIndexOf('/');
                String repo = hasTag ? tag.substring(0, colon) : tag;
                String row = repo + "\t" + (hasTag ? tag.substring(colon + 1) : "<none>");
                if (withDigests) {
                    row += "\t" + repoDigests.stream().filter(d -> d.startsWith(repo + "@"))
                            .map(d -> d.substring(d.indexOf('@') + 1)).findFirst().orElse("<none>");
                }
                rows.add(row + rest);
            }
        }
        return TextTable.align(rows);
    }

    private static List<String> strings(Object list) {
        List<String> out = new ArrayList<>();
        if (list instanceof List<?> items) {
            items.forEach(x -> out.add(String.valueOf(x)));
        }
        return out;
    }

    private String id(Map<?, ?> image) {
        String id = String.valueOf(image.get("Id"));
        return ArgSpecs.isSet(noTrunc) ? id : ShortId.of(id);
    }
}
