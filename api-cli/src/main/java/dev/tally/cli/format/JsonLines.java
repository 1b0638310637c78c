package dev.tally.cli.format;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads a stream of JSON objects, one per line (the daemon's events and progress
 * streams), handing each to the consumer as soon as its line has arrived.
 */
public final class JsonLines {

    /** Receives one parsed object. */
    public interface Consumer {
        void accept(Map<String, Object> object) throws IOException;
    }

    private JsonLines() {
    }

    /** Reads until the stream ends; blank lines are skipped. */
    public static void forEach(InputStream in, Consumer consumer) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
            if (!line.isBlank()) {
                consumer.accept(JSON.std.mapFrom(line));
            }
        }
    }
}
