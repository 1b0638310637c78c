package dev.tally.cli.verbs;

import dev.tally.cli.CliException;
import dev.tally.cli.ExitCodeMapper;
import dev.tally.cli.format.HumanSize;
import dev.tally.cli.format.JsonLines;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Docker's JSON progress stream as lines: one when a layer's status changes ({@code 3f4d90098f5b:
 * Pull complete 2.1MB, 7.0 MB/s}), the statuses about the whole as they come ({@code Digest: …}); an
 * error message in the stream fails the verb with it.
 */
final class TransferLines {

    private final PrintStream out;
    private final Map<String, String> lastStatus = new HashMap<>();
    private final Map<String, Long> firstSeen = new HashMap<>();
    private final Map<String, Long> bytes = new HashMap<>();

    /** @param out where lines go, or null to print nothing */
    TransferLines(PrintStream out) {
        this.out = out;
    }

    void read(InputStream body) throws IOException {
        JsonLines.forEach(body, message -> {
            Object error = message.get("errorDetail") instanceof Map<?, ?> d ? d.get("message") : message.get("error");
            if (error != null) {
                throw new CliException(error.toString(), ExitCodeMapper.GENERAL_FAILURE);
            }
            Object status = message.get("status");
            if (status == null || out == null) {
                return;
            }
            Object id = message.get("id");
            if (id == null) {
                out.println(status);
                return;
            }
            line(id.toString(), status.toString(), message.get("progressDetail"));
        });
        if (out != null) {
            out.flush();
        }
    }

    private void line(String id, String status, Object detail) {
        long now = System.nanoTime();
        firstSeen.putIfAbsent(id, now);
        if (detail instanceof Map<?, ?> d && d.get("current") instanceof Number current) {
            bytes.put(id, current.longValue());
        }
        if (status.equals(lastStatus.get(id))) {
            return;
        }
        lastStatus.put(id, status);
        long b = bytes.getOrDefault(id, 0L);
        if ((status.equals("Pull complete") || status.equals("Pushed")) && b > 0) {
            double seconds = Math.max((now - firstSeen.get(id)) / 1e9, 1e-3);
            out.println(id + ": " + status + " " + HumanSize.decimal(b) + ", " + HumanSize.decimal(b / seconds) + "/s");
        } else {
            out.println(id + ": " + status);
        }
    }
}
