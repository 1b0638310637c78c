package dev.tally.cli.run;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.tally.cli.CliException;
import java.io.IOException;
import java.util.Map;

/** Reads the body of {@code POST /containers/{id}/wait}: the container's exit status. */
final class WaitStatus {

    private WaitStatus() {
    }

    /**
     * @param failureCode the CLI's exit code when the daemon reports no status or an error
     * @return the container's exit status
     */
    static int read(String body, int failureCode) throws IOException {
        String text = body.trim();
        if (text.isEmpty()) {
            throw new CliException("the daemon did not report the container's exit status", failureCode);
        }
        Map<String, Object> result = JSON.std.mapFrom(text);
        if (result.get("Error") instanceof Map<?, ?> error && error.get("Message") != null
                && !error.get("Message").toString().isEmpty()) {
            throw new CliException("error waiting for container: " + error.get("Message"), failureCode);
        }
        if (!(result.get("StatusCode") instanceof Number status)) {
            throw new CliException("the daemon did not report the container's exit status", failureCode);
        }
        return status.intValue();
    }
}
