package dev.tally.rest;

import dev.tally.domain.container.ContainerGrants;
import dev.tally.rest.body.GrantBody;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

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
    public void mount(Router router) {
        router.post("/tally/v1/containers/:id/grants").handler(ctx -> Call.withBody(ctx, GrantBody.class,
                (caller, body) -> answer(grants.grant(ctx.pathParam("id"), body.user(), caller), body.user()),
                Call.json(ctx, 201)));
        router.delete("/tally/v1/containers/:id/grants/:user").handler(ctx -> Call.run(ctx, caller -> {
            String user = ctx.pathParam("user");
            return answer(grants.revoke(ctx.pathParam("id"), user, caller), user);
        }, Call.json(ctx)));
    }

    private static JsonObject answer(String containerId, String user) {
        return new JsonObject().put("Id", containerId).put("User", user);
    }
}
