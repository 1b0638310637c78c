package dev.tally.cli.audit;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.http.HttpResponse;
import java.io.IOException;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code tally audit export [--from SEQ]}: every audit record from a sequence number on, as JSON lines
 * for a SIEM (admins only). To resume, pass the last {@code seq} received plus one.
 */
final class AuditExportCmd extends VerbCommand {

    private final OptionSpec from = option(Long.class, "SEQ", "Start at this sequence number (default: the first)",
            "--from");

    private final OptionSpec level = option(String.class, "LEVEL",
            "Metadata (default) or Request: each record with the request itself (requestObject)", "--level");

    AuditExportCmd() {
        super("export", "Export the audit log as JSON lines, resumable by sequence number (admins only)");
    }

    @Override
    public Integer call() throws IOException {
        String query = new QueryString().addIfPresent("from", ArgSpecs.value(from))
                .addIfPresent("level", ArgSpecs.value(level)).toString();
        try (HttpResponse response = api().stream("GET", "/tally/v1/audit/export" + query)) {
            response.body().transferTo(out());
            out().flush();
        }
        return 0;
    }
}
