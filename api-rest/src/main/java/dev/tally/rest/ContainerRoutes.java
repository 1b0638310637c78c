package dev.tally.rest;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerStatus;
import dev.tally.domain.container.query.ContainerView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Container verbs that answer once: create, start, stop, kill, restart, rm, list, inspect. */
final class ContainerRoutes {

    private final DockerApi api;

    ContainerRoutes(DockerApi api) {
        this.api = api;
    }

    void mount(Router r) {
        r.post("/containers/create").handler(this::create);
        r.get("/containers/json").handler(this::list);
        r.get("/containers/:id/json").handler(this::inspect);
        r.post("/containers/:id/start").handler(ctx -> act(ctx, a -> api.containers().start(id(ctx), a)));
        r.post("/containers/:id/stop").handler(ctx -> act(ctx, a -> api.containers().stop(id(ctx),
                ctx.request().getParam("signal"), intParam(ctx, "t", -1), a)));
        r.post("/containers/:id/kill").handler(ctx -> act(ctx, a -> api.containers().kill(id(ctx),
                ctx.request().getParam("signal"), a)));
        r.post("/containers/:id/restart").handler(ctx -> act(ctx, a -> {
            ContainerView c = api.containers().require(id(ctx), a, "container.restart");
            if (c.status() == ContainerStatus.RUNNING) {
                api.containers().stop(c.id(), ctx.request().getParam("signal"), intParam(ctx, "t", -1), a);
            }
            api.containers().start(c.id(), a);
        }));
        r.delete("/containers/:id").handler(ctx -> act(ctx, a -> api.containers().remove(id(ctx),
                DockerApi.flag(ctx, "force"), a)));
        r.post("/containers/:id/resize").handler(ctx -> {
            Actor actor = DockerApi.callerOrDeny(ctx);
            if (actor == null) {
                return;
            }
            api.blocking(ctx, () -> {
                ContainerView c = api.containers().require(id(ctx), actor, "container.resize");
                api.runtime().resize(c.id(), intParam(ctx, "h", 0), intParam(ctx, "w", 0));
                return c;
            }, v -> ctx.response().setStatusCode(200).end());
        });
    }

    static String id(RoutingContext ctx) {
        return ctx.pathParam("id");
    }

    static int intParam(RoutingContext ctx, String name, int dflt) {
        String v = ctx.request().getParam(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw DomainException.invalid("invalid value for " + name + ": " + v);
        }
    }

    interface Action {
        void run(Actor actor);
    }

    /** A verb with no body in its answer: 204, or what the error mapper says. */
    private void act(RoutingContext ctx, Action action) {
        Actor actor = DockerApi.callerOrDeny(ctx);
        if (actor == null) {
            return;
        }
        api.blocking(ctx, () -> {
            action.run(actor);
            return true;
        }, ok -> ctx.response().setStatusCode(204).end());
    }

    private void create(RoutingContext ctx) {
        Actor actor = DockerApi.callerOrDeny(ctx);
        if (actor == null) {
            return;
        }
        String name = ctx.request().getParam("name");
        ctx.request().body().onComplete(body -> {
            if (body.failed()) {
                ErrorMapper.send(ctx.response(), body.cause());
                return;
            }
            api.blocking(ctx, () -> {
                return api.containers().create(name, DockerJson.config(DockerApi.jsonBody(body.result())), actor);
            }, id -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("Id", id).put("Warnings", new JsonArray()).encode()));
        });
    }

    private void list(RoutingContext ctx) {
        Actor actor = DockerApi.callerOrDeny(ctx);
        if (actor == null) {
            return;
        }
        boolean all = DockerApi.flag(ctx, "all");
        String limit = ctx.request().getParam("limit");
        boolean limited = limit != null && !limit.isEmpty() && Integer.parseInt(limit) > 0;
        Map<String, List<String>> filters = Filters.parse(ctx.request().getParam("filters"));
        api.blocking(ctx, () -> {
            Instant now = Instant.now();
            List<ContainerView> views = api.containers().list(all || limited || filters.containsKey("status"), actor);
            JsonArray out = new JsonArray();
            int max = limited ? Integer.parseInt(limit) : Integer.MAX_VALUE;
            for (ContainerView v : views) {
                if (out.size() < max && Filters.matches(v, filters)) {
                    out.add(DockerJson.summary(v, now));
                }
            }
            return out;
        }, out -> ctx.response().putHeader("Content-Type", "application/json").end(out.encode()));
    }

    private void inspect(RoutingContext ctx) {
        Actor actor = DockerApi.callerOrDeny(ctx);
        if (actor == null) {
            return;
        }
        api.blocking(ctx, () -> DockerJson.inspect(api.containers().require(id(ctx), actor, "container.inspect"),
                        Instant.now()),
                json -> ctx.response().putHeader("Content-Type", "application/json").end(json.encode()));
    }
}
