package dev.tally.rest;

import dev.tally.domain.DomainException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * A request's body read into memory up to a limit: a larger one is refused (413) as soon as it shows,
 * and one that has not arrived whole within {@link #DEADLINE} is refused (408): a body is read while
 * its caller holds a place under {@link Admission}, so a body sent a byte at a time must not hold it.
 */
final class BoundedBody {

    /** How long a whole JSON body may take to arrive (4 MiB in 30 s is 140 KB/s). */
    static final java.time.Duration DEADLINE = java.time.Duration.ofSeconds(30);

    private BoundedBody() {
    }

    /**
     * The whole body; failed with {@link OverLimit} (413) when its Content-Length or what arrives passes
     * {@code limit} bytes (what arrives after that is dropped, not kept), INVALID for a malformed length.
     */
    static Future<Buffer> read(HttpServerRequest request, long limit) {
        return read(request, limit, DEADLINE);
    }

    /** As {@link #read(HttpServerRequest, long)}, failed with {@link OverLimit} (408) past {@code deadline}; on a Vert.x context. */
    static Future<Buffer> read(HttpServerRequest request, long limit, java.time.Duration deadline) {
        String length = request.getHeader("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > limit) {
                    return Future.failedFuture(tooLarge(limit));
                }
            } catch (NumberFormatException e) {
                return Future.failedFuture(DomainException.invalid("invalid Content-Length: " + length));
            }
        }
        Promise<Buffer> body = Promise.promise();
        Buffer kept = Buffer.buffer();
        request.handler(chunk -> {
            if (body.future().isComplete()) {
                return;
            }
            if ((long) kept.length() + chunk.length() > limit) {
                body.tryFail(tooLarge(limit));
                return;
            }
            kept.appendBuffer(chunk);
        });
        request.exceptionHandler(body::tryFail);
        request.endHandler(end -> body.tryComplete(kept));
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        if (context != null) {
            long timer = context.owner().setTimer(deadline.toMillis(), t -> body.tryFail(OverLimit.timedOut(
                    "request body did not arrive within " + deadline.toSeconds() + " s (the daemon's limit)")));
            body.future().onComplete(x -> context.owner().cancelTimer(timer));
        }
        request.resume();
        return body.future();
    }

    private static OverLimit tooLarge(long limit) {
        return OverLimit.tooLarge("request body is larger than the daemon's limit of " + limit + " bytes");
    }
}
