package dev.tally.cli.audit;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.CliException;
import dev.tally.cli.ExitCodeMapper;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.format.JsonLines;
import dev.tally.cli.format.ShortId;
import dev.tally.cli.format.TextTable;
import dev.tally.cli.http.HttpResponse;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code tally audit log}: who did what, from the audit read model (admins only). A table by default
 * (TIME SEQ USER VERB OBJECT OUTCOME), or {@code --format json}: the records themselves, one JSON
 * object per line, with Kubernetes audit event field names.
 */
final class AuditLogCmd extends VerbCommand {

    static final String PATH = "/tally/v1/audit/log";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final OptionSpec user = option(String.class, "USER", "Only what this user did", "--user");
    private final OptionSpec container = option(String.class, "CONTAINER",
            "Only records about this container (name, id or id prefix; removed ones too)", "--container");
    private final OptionSpec image = option(String.class, "IMAGE", "Only records about this image (reference or id)",
            "--image");
    private final OptionSpec action = option(String.class, "ACTION",
            "Only this action (container.start) or verb (start)", "--action");
    private final OptionSpec denied = flag("Only refused requests", "--denied");
    private final OptionSpec since = option(String.class, "TIME", "Records since this time (10m, Unix seconds, RFC 3339)",
            "--since");
    private final OptionSpec until = option(String.class, "TIME", "Records until this time", "--until");
    private final OptionSpec limit = option(Integer.class, "N", "At most N records", "-n", "--limit");
    private final OptionSpec level = option(String.class, "LEVEL",
            "Metadata (default) or Request: each record with the request itself (requestObject)", "--level");
    private final OptionSpec format = optionWithDefault("FORMAT", "table", "table or json (one object per line)",
            "--format");

    AuditLogCmd() {
        super("log", "Show the audit log: who did what, when, from where (admins only)");
    }

    @Override
    public Integer call() throws IOException {
        String shape = ArgSpecs.value(format);
        if (!shape.equals("table") && !shape.equals("json")) {
            throw new CliException("unknown format " + shape + ": use table or json", ExitCodeMapper.GENERAL_FAILURE);
        }
        String query = new QueryString()
                .addIfPresent("user", ArgSpecs.value(user))
                .addIfPresent("container", ArgSpecs.value(container))
                .addIfPresent("image", ArgSpecs.value(image))
                .addIfPresent("action", ArgSpecs.value(action))
                .addFlag("denied", ArgSpecs.isSet(denied))
                .addIfPresent("since", apiTime(ArgSpecs.value(since)))
                .addIfPresent("until", apiTime(ArgSpecs.value(until)))
                .addIfPresent("limit", ArgSpecs.value(limit))
                .addIfPresent("level", ArgSpecs.value(level))
                .toString();
        try (HttpResponse response = api().stream("GET", PATH + query)) {
            if (shape.equals("json")) {
                response.body().transferTo(out());
                out().flush();
                return 0;
            }
            List<String> rows = new ArrayList<>();
            rows.add("TIME\tSEQ\tUSER\tVERB\tOBJECT\tOUTCOME");
            ZoneId zone = root().clock().getZone();
            JsonLines.forEach(response.body(), record -> rows.add(row(record, zone)));
            TextTable.align(rows).forEach(out()::println);
        }
        return 0;
    }

    static String row(Map<String, Object> record, ZoneId zone) {
        String time = TIME.format(Instant.parse(String.valueOf(record.get("stageTimestamp"))).atZone(zone));
        String user = record.get("user") instanceof Map<?, ?> u ? String.valueOf(u.get("username")) : "";
        String object = "";
        if (record.get("objectRef") instanceof Map<?, ?> ref) {
            String name = String.valueOf(ref.get("name"));
            String id = String.valueOf(ref.get("id"));
            object = ref.get("resource") + "/" + (name.isEmpty() ? ShortId.of(id) : name);
        }
        String outcome = String.valueOf(record.get("outcome"));
        if (record.get("responseStatus") instanceof Map<?, ?> status && Number.class.isInstance(status.get("code"))
                && ((Number) status.get("code")).intValue() >= 400) {
            outcome += " (" + status.get("code") + ")";
        }
        return time + "\t" + record.get("seq") + "\t" + user + "\t" + record.get("action") + "\t" + object + "\t" + outcome;
    }
}
