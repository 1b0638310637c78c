package dev.tally.rest;

import dev.tally.domain.DomainException;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.audit.query.AuditFilter;
import dev.tally.domain.audit.query.AuditQueries;
import dev.tally.domain.container.query.ContainerView;
import dev.tally.domain.history.HostHistory;
import dev.tally.domain.history.PastHost;
import dev.tally.domain.image.query.ImageView;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * tally's audit and history endpoints, for admins: {@code GET /tally/v1/audit/log} (records that
 * match, JSON lines), {@code GET /tally/v1/audit/export?from=SEQ} (every record from a sequence
 * number on, to resume an export), {@code POST /tally/v1/admin/replay}, and {@code ?at=T} on the
 * container and image listings and inspections: the host as the log says it was at T.
 */
public final class AuditRoutes implements DockerApi.Routes {

    private static final int CHUNK = 64 * 1024;

    private final AuditQueries audit;
    private final HostHistory history;
    private final AccessControl access;

    public AuditRoutes(AuditQueries audit, HostHistory history, AccessControl access) {
        this.audit = audit;
        this.history = history;
        this.access = access;
    }

    @Override
    public void mount(Router r) {
        r.get("/tally/v1/audit/log").handler(ctx -> lines(ctx, "audit.log", logFilter(ctx)));
        r.get("/tally/v1/audit/export").handler(ctx -> lines(ctx, "audit.export",
                AuditFilter.from(longParam(ctx, "from", 0), level(ctx))));
        r.post("/tally/v1/admin/replay").handler(ctx -> asAdmin(ctx, "admin.replay", history::replay,
                report -> ctx.json(new JsonObject().put("events", report.events()).put("seconds", report.seconds())
                        .put("eventsPerSecond", report.eventsPerSecond()))));
        // Before the Docker routes (order 0 comes right after the version handler): a request with
        // ?at= is answered from the past, any other goes on to the present.
        r.get("/containers/json").order(0).handler(ctx -> past(ctx, p -> containerList(ctx, p, at(ctx))));
        r.get("/containers/:id/json").order(0).handler(ctx -> past(ctx, p -> DockerJson.inspect(
                p.containers().find(ctx.pathParam("id")).orElseThrow(() -> DomainException.notFound(
                        "No such container: " + ctx.pathParam("id"))), at(ctx))));
        r.get("/images/json").order(0).handler(ctx -> past(ctx, p -> {
            JsonArray out = new JsonArray();
            p.images().list().forEach(i -> out.add(DockerJson.imageSummary(i)));
            return out;
        }));
        r.getWithRegex("^/images/(?<name>.+)/json$").order(0).handler(ctx -> past(ctx, p -> {
            String name = ctx.pathParam("name");
            ImageView image = p.images().find(name).orElseThrow(() -> DomainException.notFound("No such image: " + name));
            return DockerJson.imageInspect(image);
        }));
    }

    private static AuditFilter logFilter(RoutingContext ctx) {
        return new AuditFilter(ctx.request().getParam("user"), ctx.request().getParam("container"),
                ctx.request().getParam("image"), ctx.request().getParam("action"), DockerApi.flag(ctx, "denied"),
                instantParam(ctx, "since", false), instantParam(ctx, "until", true), longParam(ctx, "from", 0),
                (int) longParam(ctx, "limit", 0), level(ctx));
    }

    /** {@code level=Metadata} (the default) or {@code level=Request}, as Kubernetes names them. */
    private static AuditFilter.Level level(RoutingContext ctx) {
        String v = ctx.request().getParam("level");
        if (v == null || v.isEmpty() || v.equalsIgnoreCase("metadata")) {
            return AuditFilter.Level.METADATA;
        }
        if (v.equalsIgnoreCase("request")) {
            return AuditFilter.Level.REQUEST;
        }
        throw DomainException.invalid("invalid level: " + v + " (Metadata or Request)");
    }

    private void lines(RoutingContext ctx, String action, AuditFilter filter) {
        asAdmin(ctx, action, () -> true, ok -> {
            HttpServerResponse resp = ctx.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson");
            ctx.vertx().executeBlocking(() -> {
                StringBuilder chunk = new StringBuilder();
                try {
                    audit.log(filter, line -> {
                        chunk.append(line).append('\n');
                        if (chunk.length() >= CHUNK) {
                            send(resp, chunk);
                        }
                    });
                    send(resp, chunk);
                    resp.end();
                } catch (RuntimeException e) {
                    if (resp.headWritten()) {
                        DaemonLog.line("audit stream cut short: " + e);
                        resp.reset();
                    } else {
                        ErrorMapper.send(resp, e);
                    }
                }
                return null;
            }, false);
        });
    }

    /** Writes a chunk and waits until it left, so that a slow reader holds the query back, not memory. */
    private static void send(HttpServerResponse resp, StringBuilder chunk) {
        if (chunk.isEmpty()) {
            return;
        }
        try {
            resp.write(Buffer.buffer(chunk.toString())).toCompletionStage().toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DomainException(DomainException.Kind.FAILED, "send audit records: interrupted");
        } catch (ExecutionException e) {
            throw new DomainException(DomainException.Kind.FAILED, "send audit records: " + e.getCause().getMessage());
        }
        chunk.setLength(0);
    }

    /** A question about the past if the request has ?at=, else the next route's business. */
    private void past(RoutingContext ctx, Function<PastHost, Object> question) {
        String at = ctx.request().getParam("at");
        if (at == null || at.isEmpty()) {
            ctx.next();
            return;
        }
        Instant when = at(ctx);
        asAdmin(ctx, "history.at", () -> history.at(when, question),
                answer -> ctx.response().putHeader("Content-Type", "application/json").end(answer.toString()));
    }

    private static JsonArray containerList(RoutingContext ctx, PastHost past, Instant at) {
        Map<String, List<String>> filters = Filters.parse(ctx.request().getParam("filters"));
        boolean all = DockerApi.flag(ctx, "all") || filters.containsKey("status");
        JsonArray out = new JsonArray();
        for (ContainerView v : past.containers().list(all)) {
            if (Filters.matches(v, filters)) {
                out.add(DockerJson.summary(v, at));
            }
        }
        return out;
    }

    private <T> void asAdmin(RoutingContext ctx, String action, java.util.concurrent.Callable<T> work,
                             java.util.function.Consumer<T> done) {
        Call.run(ctx, caller -> {
            access.requireAdmin(caller, action, "");
            return work.call();
        }, done);
    }

    private static Instant at(RoutingContext ctx) {
        return instantParam(ctx, "at", false);
    }

    static Instant instantParam(RoutingContext ctx, String name, boolean upperBound) {
        return QueryValues.instant(name, ctx.request().getParam(name), upperBound);
    }

    private static long longParam(RoutingContext ctx, String name, long dflt) {
        return QueryValues.longInteger(name, ctx.request().getParam(name), dflt);
    }
}
