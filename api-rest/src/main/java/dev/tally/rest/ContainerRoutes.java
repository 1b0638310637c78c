package dev.tally.rest;

import dev.tally.domain.container.query.ContainerView;
import dev.tally.rest.body.ContainerCreateBody;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Container verbs that answer once: create, start, stop, kill, restart, rm, list, inspect. */
final class ContainerRoutes {

    private final DockerApi.UseCases useCases;

    ContainerRoutes(DockerApi.UseCases useCases) {
        this.useCases = useCases;
    }

    void mount(Router r) {
        r.post("/containers/create").handler(ctx -> Call.withBody(ctx, ContainerCreateBody.class,
                (caller, body) -> useCases.containers().creation().create(ctx.request().getParam("name"), body.config(),
                        body.askedOptions(), caller),
                id -> Call.json(ctx, 201).accept(new JsonObject().put("Id", id).put("Warnings", new JsonArray()))));
        r.get("/containers/json").handler(this::list);
        r.get("/containers/:id/json").handler(ctx -> Call.run(ctx, caller -> DockerJson.inspect(
                useCases.containers().visible().require(id(ctx), caller, "container.inspect"), Instant.now()), Call.json(ctx)));
        r.post("/containers/:id/start").handler(ctx -> Call.noContent(ctx, a -> useCases.containers().lifecycle().start(id(ctx), a)));
        r.post("/containers/:id/stop").handler(ctx -> Call.noContentLater(ctx, a -> useCases.containers().lifecycle().stop(id(ctx),
                ctx.request().getParam("signal"), intParam(ctx, "t", -1), a)));
        r.post("/containers/:id/kill").handler(ctx -> Call.noContent(ctx, a -> useCases.containers().lifecycle().kill(id(ctx),
                ctx.request().getParam("signal"), a)));
        r.post("/containers/:id/restart").handler(ctx -> Call.noContentLater(ctx, a -> useCases.containers().lifecycle()
                .restart(id(ctx), ctx.request().getParam("signal"), intParam(ctx, "t", -1), a)));
        r.delete("/containers/:id").handler(ctx -> Call.noContent(ctx, a -> useCases.containers().lifecycle().remove(id(ctx),
                DockerApi.flag(ctx, "force"), DockerApi.flag(ctx, "v"), a)));
        r.post("/containers/:id/resize").handler(ctx -> Call.run(ctx, a -> {
            ContainerView c = useCases.containers().visible().require(id(ctx), a, "container.resize");
            useCases.console().resize(c, intParam(ctx, "h", 0), intParam(ctx, "w", 0));
            return c;
        }, c -> ctx.response().setStatusCode(200).end()));
    }

    static String id(RoutingContext ctx) {
        return ctx.pathParam("id");
    }

    static int intParam(RoutingContext ctx, String name, int dflt) {
        return QueryValues.integer(name, ctx.request().getParam(name), dflt);
    }

    private void list(RoutingContext ctx) {
        Call.run(ctx, caller -> {
            boolean all = DockerApi.flag(ctx, "all");
            int limit = intParam(ctx, "limit", 0);
            boolean limited = limit > 0;
            Map<String, List<String>> filters = Filters.parse(ctx.request().getParam("filters"));
            Instant now = Instant.now();
            List<ContainerView> views = useCases.containers().visible().list(all || limited || filters.containsKey("status"), caller);
            JsonArray out = new JsonArray();
            int max = limited ? limit : Integer.MAX_VALUE;
            for (ContainerView v : views) {
                if (out.size() < max && Filters.matches(v, filters)) {
                    out.add(DockerJson.summary(v, now));
                }
            }
            return out;
        }, Call.json(ctx));
    }
}
