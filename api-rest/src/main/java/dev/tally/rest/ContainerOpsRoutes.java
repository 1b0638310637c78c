package dev.tally.rest;

import dev.tally.domain.container.ContainerFiles;
import dev.tally.domain.container.ContainerProcesses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.Arrays;
import java.util.List;

/** pause, unpause, rename, top and diff (changes) of a container. */
final class ContainerOpsRoutes {

    private final DockerApi.UseCases useCases;

    ContainerOpsRoutes(DockerApi.UseCases useCases) {
        this.useCases = useCases;
    }

    void mount(Router r) {
        r.post("/containers/:id/pause").handler(ctx -> Call.noContent(ctx, a -> useCases.containers().operations()
                .pause(ContainerRoutes.id(ctx), a)));
        r.post("/containers/:id/unpause").handler(ctx -> Call.noContent(ctx, a -> useCases.containers().operations()
                .unpause(ContainerRoutes.id(ctx), a)));
        r.post("/containers/:id/rename").handler(ctx -> Call.noContent(ctx, a -> useCases.containers().operations()
                .rename(ContainerRoutes.id(ctx), ctx.request().getParam("name"), a)));
        r.get("/containers/:id/top").handler(ctx -> Call.run(ctx, a -> table(useCases.containers().operations()
                .top(ContainerRoutes.id(ctx), psArgs(ctx.request().getParam("ps_args")), a)), Call.json(ctx)));
        r.get("/containers/:id/changes").handler(ctx -> Call.run(ctx, a -> changes(useCases.containers().archives()
                .changes(ContainerRoutes.id(ctx), a)), Call.json(ctx)));
    }

    /** dockerd splits {@code ps_args} at spaces. */
    static List<String> psArgs(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.trim().split("\\s+")).toList();
    }

    private static JsonObject table(ContainerProcesses.ProcessTable t) {
        JsonArray processes = new JsonArray();
        t.processes().forEach(row -> processes.add(new JsonArray(List.copyOf(row))));
        return new JsonObject().put("Titles", new JsonArray(List.copyOf(t.titles()))).put("Processes", processes);
    }

    private static JsonArray changes(List<ContainerFiles.Change> changes) {
        JsonArray out = new JsonArray();
        changes.forEach(c -> out.add(new JsonObject().put("Path", c.path()).put("Kind", c.kind())));
        return out;
    }
}
