package dev.tally.rest;

import dev.tally.domain.container.ContainerStats;
import dev.tally.domain.container.ContainerUpdates;
import dev.tally.domain.container.ResourceUsage;
import dev.tally.domain.container.query.ContainerView;
import dev.tally.rest.body.ContainerUpdateBody;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A container's resources: {@code GET /containers/{id}/stats} (a frame a second while it streams, as
 * dockerd sends them; one frame with {@code stream=false}, whose {@code precpu_stats} is a sample taken a
 * second before, unless {@code one-shot}) and {@code POST /containers/{id}/update} (its limits).
 */
public final class ContainerStatsRoutes implements DockerApi.Routes {

    /** dockerd's collection interval. */
    static final long INTERVAL_MILLIS = 1000;

    private final ContainerStats stats;
    private final ContainerUpdates updates;

    public ContainerStatsRoutes(ContainerStats stats, ContainerUpdates updates) {
        this.stats = stats;
        this.updates = updates;
    }

    @Override
    public void mount(Router r) {
        r.get("/containers/:id/stats").handler(this::stats);
        r.post("/containers/:id/update").handler(ctx -> Call.withBody(ctx, ContainerUpdateBody.class,
                (caller, body) -> updates.update(ContainerRoutes.id(ctx), body.change(), body.askedOptions(), caller),
                limits -> Call.json(ctx).accept(new JsonObject().put("Warnings", new JsonArray()))));
    }

    /** What the route found before it answers: the container, its first sample, the stream's count if it streams. */
    private record Opened(ContainerView container, Optional<ContainerStats.Sample> first, UserStreams.Held held) {
    }

    private void stats(RoutingContext ctx) {
        boolean stream = ctx.request().getParam("stream") == null || DockerApi.flag(ctx, "stream");
        boolean oneShot = DockerApi.flag(ctx, "one-shot");
        Call.run(ctx, caller -> {
            ContainerView c = stats.require(ContainerRoutes.id(ctx), caller);
            UserStreams.Held held = stream ? Call.streams(ctx).open(caller, UserStreams.Kind.STATS) : () -> { };
            try {
                return new Opened(c, stats.sample(c.id()), held);
            } catch (RuntimeException e) {
                held.close();
                throw e;
            }
        }, opened -> {
            HttpServerResponse resp = ctx.response();
            resp.endHandler(x -> opened.held().close());
            resp.setStatusCode(200).putHeader("Content-Type", "application/json");
            ContainerView c = opened.container();
            Optional<ResourceUsage> first = opened.first().flatMap(ContainerStats.Sample::usage);
            if (!stream) {
                if (oneShot || first.isEmpty()) {
                    resp.end(StatsJson.frame(c.name(), c.id(), first, null).encode() + "\n");
                    return;
                }
                // dockerd primes precpu_stats with the sample before: CPU use is a difference of two
                ctx.vertx().setTimer(INTERVAL_MILLIS, t -> sample(ctx, c.id(), next -> {
                    Optional<ResourceUsage> second = next.flatMap(ContainerStats.Sample::usage);
                    resp.end(StatsJson.frame(c.name(), c.id(), second, second.isPresent() ? first.get() : null).encode() + "\n");
                }));
                return;
            }
            resp.setChunked(true);
            resp.write(StatsJson.frame(c.name(), c.id(), first, null).encode() + "\n");
            new Streamed(ctx, c, first.orElse(null)).start(opened.held());
        });
    }

    /** Samples off the event loop, then answers on it; a failure ends the answer. */
    private void sample(RoutingContext ctx, String id, java.util.function.Consumer<Optional<ContainerStats.Sample>> then) {
        ctx.vertx().executeBlocking(() -> stats.sample(id), false).onComplete(ar -> {
            if (ar.failed()) {
                DaemonLog.line("stats of " + id + ": " + ar.cause().getMessage());
                if (ctx.response().headWritten()) {
                    ctx.response().reset();
                } else {
                    ErrorMapper.send(ctx.response(), ar.cause());
                }
                return;
            }
            then.accept(ar.result());
        });
    }

    /** A frame a second until the client leaves or the container is removed. */
    private final class Streamed {
        private final RoutingContext ctx;
        private final ContainerView container;
        private final AtomicBoolean sampling = new AtomicBoolean();
        private ResourceUsage previous;
        private long timer;

        Streamed(RoutingContext ctx, ContainerView container, ResourceUsage first) {
            this.ctx = ctx;
            this.container = container;
            this.previous = first;
        }

        void start(UserStreams.Held held) {
            HttpServerResponse resp = ctx.response();
            timer = ctx.vertx().setPeriodic(INTERVAL_MILLIS, t -> tick());
            resp.closeHandler(x -> {
                ctx.vertx().cancelTimer(timer);
                held.close();
            });
            resp.endHandler(x -> {
                ctx.vertx().cancelTimer(timer);
                held.close();
            });
        }

        private void tick() {
            HttpServerResponse resp = ctx.response();
            if (resp.closed() || resp.ended()) {
                ctx.vertx().cancelTimer(timer);
                return;
            }
            if (resp.writeQueueFull() || !sampling.compareAndSet(false, true)) {
                return; // the client reads slower than a frame a second: it gets the next one it can take
            }
            sample(ctx, container.id(), next -> {
                sampling.set(false);
                if (resp.closed() || resp.ended()) {
                    return;
                }
                if (next.isEmpty()) {
                    ctx.vertx().cancelTimer(timer);
                    resp.end(); // removed: dockerd ends the stream too
                    return;
                }
                Optional<ResourceUsage> now = next.get().usage();
                resp.write(StatsJson.frame(container.name(), container.id(), now, now.isPresent() ? previous : null)
                        .encode() + "\n");
                previous = now.orElse(null);
            });
        }
    }
}
