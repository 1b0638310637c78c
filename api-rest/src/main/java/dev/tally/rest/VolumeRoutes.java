package dev.tally.rest;

import dev.tally.domain.DomainException;
import dev.tally.domain.volume.query.VolumeView;
import dev.tally.rest.body.VolumeCreateBody;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.LinkedHashMap;

/** Named volumes: create, list, inspect, remove. */
final class VolumeRoutes {

    private final DockerApi.UseCases useCases;

    VolumeRoutes(DockerApi.UseCases useCases) {
        this.useCases = useCases;
    }

    void mount(Router r) {
        r.post("/volumes/create").handler(ctx -> Call.withBody(ctx, VolumeCreateBody.class, (caller, body) -> {
            if (!body.driver().isEmpty() && !body.driver().equals("local")) {
                throw DomainException.notFound("plugin \"" + body.driver() + "\" not found");
            }
            return json(useCases.volumes().create(body.name(), body.labels(), caller));
        }, Call.json(ctx, 201)));
        r.get("/volumes").handler(ctx -> Call.run(ctx, caller -> {
            JsonArray list = new JsonArray();
            useCases.volumes().list(caller).forEach(v -> list.add(json(v)));
            return new JsonObject().put("Volumes", list).put("Warnings", new JsonArray());
        }, Call.json(ctx)));
        r.get("/volumes/:name").handler(ctx -> Call.run(ctx,
                caller -> json(useCases.volumes().require(ctx.pathParam("name"), caller)), Call.json(ctx)));
        r.delete("/volumes/:name").handler(ctx -> Call.noContent(ctx,
                caller -> useCases.volumes().remove(ctx.pathParam("name"), caller)));
    }

    private JsonObject json(VolumeView v) {
        return new JsonObject()
                .put("Name", v.name())
                .put("Driver", "local")
                .put("Mountpoint", useCases.volumes().mountpoint(v.name()))
                .put("CreatedAt", v.created().toString())
                .put("Labels", new JsonObject(new LinkedHashMap<>(v.labels())))
                .put("Scope", "local")
                .put("Options", new JsonObject());
    }
}
