package dev.tally.rest;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.volume.query.VolumeView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/** Named volumes: create, list, inspect, remove. */
final class VolumeRoutes {

    private final DockerApi api;

    VolumeRoutes(DockerApi api) {
        this.api = api;
    }

    void mount(Router r) {
        r.post("/volumes/create").handler(this::create);
        r.get("/volumes").handler(ctx -> {
            Actor actor = DockerApi.callerOrDeny(ctx);
            if (actor != null) {
                api.blocking(ctx, () -> {
                    JsonArray list = new JsonArray();
                    api.volumes().list(actor).forEach(v -> list.add(json(v)));
                    return new JsonObject().put("Volumes", list).put("Warnings", new JsonArray());
                }, json -> ctx.json(json));
            }
        });
        r.get("/volumes/:name").handler(ctx -> {
            Actor actor = DockerApi.callerOrDeny(ctx);
            if (actor != null) {
                api.blocking(ctx, () -> json(api.volumes().require(ctx.pathParam("name"), actor)), json -> ctx.json(json));
            }
        });
        r.delete("/volumes/:name").handler(ctx -> {
            Actor actor = DockerApi.callerOrDeny(ctx);
            if (actor == null) {
                return;
            }
            api.blocking(ctx, () -> {
                api.volumes().remove(ctx.pathParam("name"), actor);
                return true;
            }, ok -> ctx.response().setStatusCode(204).end());
        });
    }

    private void create(RoutingContext ctx) {
        Actor actor = DockerApi.callerOrDeny(ctx);
        if (actor == null) {
            return;
        }
        ctx.request().body().onComplete(body -> api.blocking(ctx, () -> {
            JsonObject json = DockerApi.jsonBody(body.result());
            String driver = json.getString("Driver", "local");
            if (!driver.isEmpty() && !driver.equals("local")) {
                throw DomainException.notFound("plugin \"" + driver + "\" not found");
            }
            Map<String, String> labels = new LinkedHashMap<>();
            json.getJsonObject("Labels", new JsonObject()).forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
            return json(api.volumes().create(json.getString("Name"), labels, actor));
        }, json -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(json.encode())));
    }

    private JsonObject json(VolumeView v) {
        return new JsonObject()
                .put("Name", v.name())
                .put("Driver", "local")
                .put("Mountpoint", api.volumes().mountpoint(v.name()))
                .put("CreatedAt", v.created().toString())
                .put("Labels", new JsonObject(new LinkedHashMap<>(v.labels())))
                .put("Scope", "local")
                .put("Options", new JsonObject());
    }
}
