package dev.tally.rest;

import dev.tally.domain.Actor;
import dev.tally.domain.container.ContainerGrants;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Grants on containers, for admins: {@code POST /tally/v1/containers/{id}/grants {"user": "bob"}}
 * and {@code DELETE /tally/v1/containers/{id}/grants/{user}}. Both answer
 * {@code {"Id": container, "User": user}}.
 */
public final class GrantRoutes implements DockerApi.Routes {

    private final ContainerGrants grants;

    public GrantRoutes(ContainerGrants grants) {
        this.grants = grants;
    }

    @Override
    public void mount(Router router, DockerApi api) {
        router.post("/tally/v1/containers/:id/grants").handler(ctx -> grant(ctx, api));
        router.delete("/tally/v1/containers/:id/grants/:user").handler(ctx -> revoke(ctx, api));
    }

    private void grant(RoutingContext ctx, DockerApi api) {
        Actor actor = DockerApi.callerOrDeny(ctx);
        if (actor == null) {
            return;
        }
        ctx.request().body().onComplete(body -> {
            if (body.failed()) {
                ErrorMapper.send(ctx.response(), body.cause());
                return;
            }
            api.blocking(ctx, () -> {
                Object user = DockerApi.jsonBody(body.result()).getValue("user");
                String name = user instanceof String s ? s : null;
                return answer(grants.grant(ctx.pathParam("id"), name, actor), name);
            }, json -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
                    .end(json.encode()));
        });
    }

    private void revoke(RoutingContext ctx, DockerApi api) {
        Actor actor = DockerApi.callerOrDeny(ctx);
        if (actor == null) {
            return;
        }
        String user = ctx.pathParam("user");
        api.blocking(ctx, () -> answer(grants.revoke(ctx.pathParam("id"), user, actor), user),
                json -> ctx.response().putHeader("Content-Type", "application/json").end(json.encode()));
    }

    private static JsonObject answer(String containerId, String user) {
        return new JsonObject().put("Id", containerId).put("User", user);
    }
}
