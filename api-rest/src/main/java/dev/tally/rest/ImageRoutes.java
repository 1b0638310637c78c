package dev.tally.rest;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.image.ImageDetails;
import dev.tally.domain.image.ImageRemoval;
import dev.tally.domain.image.query.ImageView;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Images: import (POST /images/create?fromSrc=-), list, inspect, history, tag, rmi, prune. */
final class ImageRoutes {

    private final DockerApi.UseCases useCases;
    /** Where uploads stream to, on the data root's disk (never the host's /tmp). */
    private final Path uploads;

    private final ImageDetails details;

    ImageRoutes(DockerApi.UseCases useCases, Path uploads, ImageDetails details) {
        this.useCases = useCases;
        this.uploads = uploads;
        this.details = details;
    }

    private <T> T described(ImageView image, java.util.function.BiFunction<ImageView, Optional<ImageDetails.Details>, T> json) {
        return json.apply(image, details.of(image.id()));
    }

    void mount(Router r) {
        r.post("/images/create").handler(this::create);
        r.get("/images/json").handler(this::list);
        r.post("/images/prune").handler(this::prune);
        r.routeWithRegex(HttpMethod.GET, "^/images/(?<name>.+)/json$").handler(ctx -> Call.run(ctx, caller ->
                described(useCases.images().require(name(ctx), caller, "image.inspect"), DockerJson::imageInspect),
                Call.json(ctx)));
        r.routeWithRegex(HttpMethod.GET, "^/images/(?<name>.+)/history$").handler(ctx -> Call.run(ctx, caller ->
                described(useCases.images().require(name(ctx), caller, "image.history"), DockerJson::imageHistory),
                Call.json(ctx)));
        r.routeWithRegex(HttpMethod.POST, "^/images/(?<name>.+)/tag$").handler(ctx -> Call.run(ctx, caller -> {
            String repo = ctx.request().getParam("repo", "");
            String tag = ctx.request().getParam("tag", "");
            if (repo.isEmpty()) {
                throw DomainException.invalid("repository name (repo=) is required");
            }
            useCases.images().tag(name(ctx), tag.isEmpty() ? repo : repo + ":" + tag, caller);
            return true;
        }, done -> ctx.response().setStatusCode(201).end()));
        r.routeWithRegex(HttpMethod.DELETE, "^/images/(?<name>.+)$").handler(ctx -> Call.run(ctx, caller -> {
            JsonArray out = new JsonArray();
            for (ImageRemoval.Line line : useCases.imageRemoval().remove(name(ctx), DockerApi.flag(ctx, "force"), caller)) {
                out.add(removalLine(line));
            }
            return out;
        }, Call.json(ctx)));
    }

    private static String name(RoutingContext ctx) {
        return ctx.pathParam("name");
    }

    private void list(RoutingContext ctx) {
        Call.run(ctx, caller -> {
            ImageFilters filters = ImageFilters.forList(ctx.request().getParam("filters"),
                    ref -> useCases.images().require(ref, caller, "image.list"));
            JsonArray out = new JsonArray();
            for (ImageView i : useCases.images().visible().list(caller)) {
                ImageView shown = filters.apply(i);
                if (shown != null) {
                    out.add(DockerJson.imageSummary(shown));
                }
            }
            return out;
        }, Call.json(ctx));
    }

    private void prune(RoutingContext ctx) {
        Call.run(ctx, caller -> {
            ImageFilters filters = ImageFilters.forPrune(ctx.request().getParam("filters"));
            java.time.Instant now = java.time.Instant.now();
            ImageRemoval.Pruned pruned = useCases.imageRemoval().prune(filters.pruneAll(), i -> filters.prunes(i, now),
                    caller);
            JsonArray lines = new JsonArray();
            pruned.lines().forEach(line -> lines.add(removalLine(line)));
            return new JsonObject().put("ImagesDeleted", lines.isEmpty() ? null : lines)
                    .put("SpaceReclaimed", pruned.reclaimed());
        }, Call.json(ctx));
    }

    private static JsonObject removalLine(ImageRemoval.Line line) {
        return line.untagged() != null ? new JsonObject().put("Untagged", line.untagged())
                : new JsonObject().put("Deleted", line.deleted());
    }

    private void create(RoutingContext ctx) {
        String fromSrc = ctx.request().getParam("fromSrc");
        if (fromSrc == null) {
            ctx.next(); // a pull: DistributionRoutes
            return;
        }
        Actor actor = Call.caller(ctx);
        if (actor == null) {
            return;
        }
        if (!fromSrc.equals("-")) {
            ErrorMapper.send(ctx.response(), DomainException.invalid("import from a URL is not supported: use fromSrc=-"));
            return;
        }
        String repo = ctx.request().getParam("repo", "");
        String tag = ctx.request().getParam("tag", "");
        if (repo.isEmpty()) {
            ErrorMapper.send(ctx.response(), DomainException.invalid("import needs a repository name (repo=)"));
            return;
        }
        String reference = tag.isEmpty() ? repo : repo + ":" + tag;
        ctx.request().pause();
        // Decided (and a refusal recorded) before a byte of the upload is stored; after a refusal the
        // body is only drained (see discardAndClose), so a client still writing it reads the answer.
        ctx.vertx().executeBlocking(() -> {
            useCases.images().checkImport(reference, actor);
            return true;
        }).onComplete(checked -> {
            if (checked.failed()) {
                ctx.response().putHeader("Connection", "close");
                ErrorMapper.send(ctx.response(), checked.cause());
                discardAndClose(ctx);
                return;
            }
            upload(ctx, actor, reference);
        });
    }

    /** What a refused upload may still send, and how long it may pause, before its connection is closed. */
    private static final long DISCARD_BYTES = 64L << 20;
    private static final long DISCARD_IDLE_MS = 1_000;

    /**
     * After the answer to a refused upload: read and drop the rest of its body, so that a client that
     * writes the whole body before it reads (the docker CLI does) gets the answer rather than a broken
     * pipe; then close. A body that goes quiet for a second or passes 64 MiB is cut off at once, so a
     * refused request never holds its connection.
     */
    private static void discardAndClose(RoutingContext ctx) {
        io.vertx.core.http.HttpServerRequest request = ctx.request();
        long[] seen = {0, System.nanoTime()};
        boolean[] closed = {false};
        Runnable close = () -> {
            if (!closed[0]) {
                closed[0] = true;
                request.connection().close();
            }
        };
        long timer = ctx.vertx().setPeriodic(250, id -> {
            if (System.nanoTime() - seen[1] > DISCARD_IDLE_MS * 1_000_000L) {
                ctx.vertx().cancelTimer(id);
                close.run();
            }
        });
        request.handler(chunk -> {
            seen[0] += chunk.length();
            seen[1] = System.nanoTime();
            if (seen[0] > DISCARD_BYTES) {
                ctx.vertx().cancelTimer(timer);
                close.run();
            }
        });
        request.endHandler(x -> {
            ctx.vertx().cancelTimer(timer);
            close.run();
        });
        request.exceptionHandler(x -> {
            ctx.vertx().cancelTimer(timer);
            close.run();
        });
        if (request.isEnded()) {
            ctx.vertx().cancelTimer(timer);
            close.run();
            return;
        }
        request.resume();
    }

    /** The upload streamed to a file under the data root, then imported. */
    private void upload(RoutingContext ctx, Actor actor, String reference) {
        Uploads.spool(ctx, uploads, "import", upload -> Call.anyone(ctx, () -> {
            try (InputStream in = Files.newInputStream(upload)) {
                return useCases.images().importRootfs(in, reference, actor);
            } finally {
                Uploads.delete(upload);
            }
        }, id -> ctx.response().putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("status", id).encode() + "\n")));
    }
}
