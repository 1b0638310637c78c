package dev.tally.rest;

import dev.tally.domain.DomainException;
import io.vertx.core.file.OpenOptions;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Request bodies spooled to a file on the data root's disk (never the host's /tmp) before they are
 * used: an import, a load, a copy into a container. One place for how an upload is held to the caller's
 * limits ({@link BoundedUpload}) and how it fails.
 */
final class Uploads {

    private Uploads() {
    }

    /**
     * Streams the request's body (paused by the caller, so nothing of it is lost) into a new file under
     * {@code dir}, then hands the file to {@code then}, which owns it from then on (and deletes it with
     * {@link #delete}). On a failure the file is deleted and the error answered here: an upload over a
     * limit gets its 413 and its connection closed (the rest of the body is never read), any other
     * failure its own error (the cause a pipe wraps unwrapped).
     */
    static void spool(RoutingContext ctx, Path dir, String prefix, Consumer<Path> then) {
        Path upload;
        RequestLimits limits = Call.admission(ctx).limits();
        try {
            Files.createDirectories(dir);
            upload = Files.createTempFile(dir, prefix, ".tar");
        } catch (IOException e) {
            ErrorMapper.send(ctx.response(), new DomainException(DomainException.Kind.FAILED, "store the upload", e));
            return;
        }
        ctx.vertx().fileSystem().open(upload.toString(), new OpenOptions().setWrite(true).setTruncateExisting(true))
                .compose(file -> ctx.request().pipeTo(new BoundedUpload(file, dir, limits.uploadBytes(),
                        limits.keepFreeBytes())).onFailure(x -> file.close()))
                .onComplete(piped -> {
                    if (piped.succeeded()) {
                        then.accept(upload);
                        return;
                    }
                    delete(upload);
                    Throwable cause = piped.cause() instanceof OverLimit || piped.cause().getCause() == null
                            ? piped.cause() : piped.cause().getCause();
                    if (cause instanceof OverLimit) {
                        ctx.response().putHeader("Connection", "close");
                        ctx.response().endHandler(x -> ctx.request().connection().close());
                    }
                    ErrorMapper.send(ctx.response(), cause);
                });
    }

    /** Deletes a spooled upload; a file already gone is fine. */
    static void delete(Path upload) {
        try {
            Files.deleteIfExists(upload);
        } catch (IOException ignored) {
            // a temp file
        }
    }
}
