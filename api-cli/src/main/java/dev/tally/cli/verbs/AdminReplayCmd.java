package dev.tally.cli.verbs;

import dev.tally.cli.VerbCommand;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/** {@code tally admin replay}: drop every read model and rebuild it from the event log. */
final class AdminReplayCmd extends VerbCommand {

    AdminReplayCmd() {
        super("replay", "Drop every read model and rebuild it from the event log; commands wait meanwhile");
    }

    @Override
    public Integer call() throws IOException {
        Map<String, Object> report = api().postJson("/tally/v1/admin/replay", Map.of());
        double seconds = ((Number) report.get("seconds")).doubleValue();
        double rate = ((Number) report.get("eventsPerSecond")).doubleValue();
        out().println(String.format(Locale.ROOT, "replayed %s events in %.3f s (%.0f events/s)", report.get("events"),
                seconds, rate));
        return 0;
    }
}
