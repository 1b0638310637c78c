package dev.tally.rest;

import dev.tally.domain.Actor;
import dev.tally.domain.image.ImageArchiving;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code docker save} (GET /images/get?names=…, GET /images/{name}/get: a tar, streamed) and
 * {@code docker load} (POST /images/load: the archive streamed to the data root's disk, bounded as an
 * import's upload, then loaded; answered with dockerd's JSON stream, {"stream":"Loaded image: …"}).
 */
public final class ImageArchiveRoutes implements DockerApi.Routes {

    private final ImageArchiving archiving;
    /** Where uploads stream to, on the data root's disk (never the host's /tmp). */
    private final Path uploads;

    public ImageArchiveRoutes(ImageArchiving archiving, Path uploads) {
        this.archiving = archiving;
        this.uploads = uploads;
    }

    @Override
    public void mount(Router r) {
        r.get("/images/get").handler(ctx -> save(ctx, ctx.queryParam("names")));
        r.routeWithRegex(HttpMethod.GET, "^/images/(?<name>.+)/get$")
                .handler(ctx -> save(ctx, List.of(ctx.pathParam("name"))));
        r.post("/images/load").handler(this::load);
    }

    /** The names are resolved (404) before the answer starts; once it has, a failure can only cut the stream. */
    private void save(RoutingContext ctx, List<String> names) {
        Call.run(ctx, caller -> {
            var saving = archiving.resolve(names, caller);
            ctx.response().setChunked(true).putHeader("Content-Type", "application/x-tar");
            try (ResponseOutput out = new ResponseOutput(ctx.response())) {
                archiving.save(saving, caller, out);
            } catch (IOException | RuntimeException e) {
                if (!ctx.response().headWritten()) {
                    throw e;
                }
                System.err.println("tallyd: save of " + names + " cut short: " + e.getMessage());
                ctx.request().connection().close();
            }
            return true;
        }, done -> {
            if (!ctx.response().ended() && !ctx.response().closed()) {
                ctx.response().end();
            }
        });
    }

    private void load(RoutingContext ctx) {
        ctx.request().pause(); // nothing of the body is lost while the upload's file opens
        Actor actor = Call.caller(ctx);
        if (actor == null) {
            return;
        }
        Uploads.spool(ctx, uploads, "load", upload -> Call.anyone(ctx, () -> {
            try (InputStream in = Files.newInputStream(upload)) {
                return archiving.load(in, actor);
            } finally {
                Uploads.delete(upload);
            }
        }, lines -> {
            StringBuilder body = new StringBuilder();
            // as dockerd: quiet silences progress only, never what was loaded
            lines.forEach(l -> body.append(new JsonObject().put("stream", l + "\n").encode()).append('\n'));
            ctx.response().putHeader("Content-Type", "application/json").end(body.toString());
        }));
    }
}
