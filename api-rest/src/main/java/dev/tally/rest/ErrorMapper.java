package dev.tally.rest;

import dev.tally.domain.DomainException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.axonframework.eventsourcing.AggregateDeletedException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.AggregateStreamCreationException;

/** The one place where failures become HTTP statuses and Docker's {@code {"message": …}} bodies. */
final class ErrorMapper {

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
        if (e instanceof AggregateDeletedException || e instanceof AggregateNotFoundException) {
            return 404;
        }
        if (e instanceof AggregateStreamCreationException) {
            return 409;
        }
        return 500;
    }

    static String message(Throwable e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() + " without a message"
                : e.getMessage();
    }

    static void send(HttpServerResponse response, Throwable e) {
        if (response.ended() || response.closed()) {
            return;
        }
        int status = status(e);
        if (status == 500) {
            DaemonLog.line("request failed: " + e);
        }
        response.setStatusCode(status);
        if (status == 304) {
            response.end();
            return;
        }
        response.putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("message", message(e)).encode() + "\n");
    }
}
