package dev.tally.rest;

import dev.tally.domain.image.registry.TransferProgress;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Docker's JSON progress stream ({@code {"status":…,"id":…,"progressDetail":{"current":…,"total":…}}},
 * one object a line), which the docker CLI and SDKs draw as bars. The response's head (200, chunked)
 * is written with the first message; until then a failure may still be answered with its status.
 */
final class JsonProgress implements TransferProgress {

    private final HttpServerResponse response;
    private volatile boolean started;

    JsonProgress(HttpServerResponse response) {
        this.response = response;
    }

    boolean started() {
        return started;
    }

    @Override
    public void status(String id, String message) {
        JsonObject o = new JsonObject().put("status", message);
        if (!id.isEmpty()) {
            o.put("id", id);
        }
        write(o);
    }

    @Override
    public void layer(String digest, String status, long current, long total) {
        JsonObject detail = new JsonObject();
        // only a transfer under way has byte counts: the docker CLI hides a message with them when its
        // output is no terminal, and "Pushed" or "Pull complete" must show
        if (total > 0 && (status.equals("Downloading") || status.equals("Pushing") || status.equals("Extracting"))) {
            detail.put("current", current).put("total", total);
        }
        write(new JsonObject().put("status", status).put("progressDetail", detail).put("id", shortId(digest)));
    }

    /** Docker's closing message of a push: {@code {"progressDetail":{},"aux":{…}}}. */
    void aux(JsonObject aux) {
        write(new JsonObject().put("progressDetail", new JsonObject()).put("aux", aux));
    }

    /** A failure after the head was written: Docker's error message, the last line. */
    void error(String message) {
        write(new JsonObject().put("errorDetail", new JsonObject().put("message", message)).put("error", message));
    }

    void end() {
        start();
        if (!response.ended() && !response.closed()) {
            response.end();
        }
    }

    static String shortId(String digest) {
        String hex = digest.startsWith("sha256:") ? digest.substring(7) : digest;
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }

    private synchronized void write(JsonObject o) {
        start();
        if (!response.ended() && !response.closed()) {
            response.write(o.encode() + "\r\n");
        }
    }

    private synchronized void start() {
        if (!started) {
            started = true;
            if (!response.headWritten()) {
                response.setStatusCode(200).setChunked(true).putHeader("Content-Type", "application/json");
            }
        }
    }
}
