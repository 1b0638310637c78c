package dev.tally.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Why {@code runc exec} could not start a command, read from the JSON log runc was told to
 * write ({@code --log FILE --log-format json}), in docker's words and with docker's exit code:
 * 127 when the command was not found, 126 otherwise (it could not be invoked).
 *
 * @param runcMessage what runc said, e.g. {@code exec failed: unable to start container process: ...}
 */
record RuncExecFailure(String runcMessage) {

    /** runc's exit code when it failed itself, not the command it ran. */
    static final int RUNC_FAILED = 255;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The failure runc logged, if it logged an error; an exit 255 without one was the command's own. */
    static Optional<RuncExecFailure> read(Path log) {
        if (!Files.isRegularFile(log)) {
            return Optional.empty();
        }
        String last = null;
        try {
            for (String line : Files.readAllLines(log)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode entry = JSON.readTree(line);
                if (entry.path("level").asText().equals("error") || entry.path("level").asText().equals("fatal")) {
                    last = entry.path("msg").asText("");
                }
            }
        } catch (IOException unreadable) {
            return Optional.empty();
        }
        return last == null || last.isEmpty() ? Optional.empty() : Optional.of(new RuncExecFailure(last));
    }

    /** Docker's message, as containerd words runc's failure. */
    String dockerMessage() {
        return "OCI runtime exec failed: " + runcMessage + ": unknown";
    }

    /** 127 when the command was not found, 126 when it could not be invoked (docker's convention). */
    int exitCode() {
        String lower = runcMessage.toLowerCase(Locale.ROOT);
        if (lower.contains("executable file not found") || lower.contains("no such file or directory")) {
            return 127;
        }
        return 126;
    }
}
