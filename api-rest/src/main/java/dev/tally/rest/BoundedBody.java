package dev.tally.rest;

import dev.tally.domain.DomainException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/** A request's body read into memory up to a limit: a larger one is refused (413) as soon as it shows. */
final class BoundedBody {

    private BoundedBody() {
    }

    /**
     * The whole body; failed with {@link OverLimit} (413) when its Content-Length or what arrives passes
     * {@code limit} bytes (what arrives after that is dropped, not kept), INVALID for a malformed length.
     */
    static Future<Buffer> read(HttpServerRequest request, long limit) {
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
        request.resume();
        return body.future();
    }

    private static OverLimit tooLarge(long limit) {
        return OverLimit.tooLarge("request body is larger than the daemon's limit of " + limit + " bytes");
    }
}
