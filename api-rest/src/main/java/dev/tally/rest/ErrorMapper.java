package dev.tally.rest;

import dev.tally.domain.DomainException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.Consumer;
import org.axonframework.eventsourcing.AggregateDeletedException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.AggregateStreamCreationException;

/**
 * The one place where failures become HTTP statuses and Docker's {@code {"message": …}} bodies.
 * A failure the daemon understands (a {@link DomainException} of any kind, a limit, something not
 * implemented yet (501), a missing or reused aggregate) keeps its message and status. Anything else is a bug: the client gets a short
 * {@code internal error <id>; see the daemon log} (500) and nothing of the daemon's insides, and
 * the daemon's log gets the whole stack trace, each line under that id.
 */
final class ErrorMapper {

    private static final SecureRandom IDS = new SecureRandom();

    /** What the client is answered. */
    record Answer(int status, String message) {
    }

    private ErrorMapper() {
    }

    static int status(Throwable e) {
        if (e instanceof DomainException d) {
            return switch (d.kind()) {
                case INVALID -> 400;
                case DENIED -> 403;
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
                case NOT_MODIFIED -> 304;
                case NO_SPACE -> 507;
                case FAILED -> 500;
                case LIMITED -> 429;
            };
        }
        if (e instanceof OverLimit o) {
            return o.status();
        }
        if (e instanceof NotImplemented) {
            return 501;
        }
        if (e instanceof AggregateDeletedException || e instanceof AggregateNotFoundException) {
            return 404;
        }
        if (e instanceof AggregateStreamCreationException) {
            return 409;
        }
        return 500;
    }

    /** True for a failure whose message was written for the client: a domain error, a limit, an aggregate's. */
    static boolean understood(Throwable e) {
        return e instanceof DomainException || e instanceof OverLimit || e instanceof NotImplemented || status(e) != 500;
    }

    /**
     * The answer to {@code e}. Every 500 is logged as {@code request failed: …}; an unexpected one
     * with its id and {@code request}, then its stack trace, each line starting {@code internal error <id>:}.
     */
    static Answer answer(Throwable e, String request, Consumer<String> log) {
        if (understood(e)) {
            String m = e.getMessage();
            int status = status(e);
            if (status == 500) {
                log.accept("request failed: " + e);
            }
            return new Answer(status, m == null || m.isBlank() ? e.getClass().getSimpleName() + " without a message" : m);
        }
        byte[] random = new byte[6];
        IDS.nextBytes(random);
        String id = HexFormat.of().formatHex(random);
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        log.accept("request failed: internal error " + id + ": " + request);
        trace.toString().lines().forEach(line -> log.accept("internal error " + id + ": " + line));
        return new Answer(500, "internal error " + id + "; see the daemon log");
    }

    /** Answers {@code e} unless the response is already ended or closed (then only an unexpected failure is logged). */
    static void send(HttpServerResponse response, Throwable e) {
        send(response, e, "a request");
    }

    /** As {@link #send(HttpServerResponse, Throwable)}, naming the request in the daemon's log. */
    static void send(HttpServerResponse response, Throwable e, String request) {
        Answer answer = answer(e, request, DaemonLog::line);
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(answer.status());
        if (answer.status() == 304) {
            response.end();
            return;
        }
        response.putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("message", answer.message()).encode() + "\n");
    }
}
