package dev.tally.rest;

import dev.tally.domain.DomainException;
import dev.tally.domain.audit.ChainAudit;
import dev.tally.domain.audit.ChainVerdict;
import dev.tally.domain.audit.Checkpoint;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The event log's tamper evidence, for admins: {@code GET /tally/v1/audit/checkpoint} answers the head
 * of the hash chain; {@code GET /tally/v1/audit/verify} walks the chain, optionally against a checkpoint
 * given as {@code sequence} and {@code hash} (with {@code time} and {@code count} if known), and answers
 * 200 with {@code "ok": false} and the first bad sequence when the log was tampered with.
 */
public final class AuditChainRoutes implements DockerApi.Routes {

    static final String HASH_PREFIX = "sha256:";

    private final ChainAudit audit;

    public AuditChainRoutes(ChainAudit audit) {
        this.audit = audit;
    }

    @Override
    public void mount(Router router) {
        router.get("/tally/v1/audit/checkpoint").handler(ctx -> Call.run(ctx,
                caller -> json(audit.checkpoint(caller)), Call.json(ctx)));
        router.get("/tally/v1/audit/verify").handler(ctx -> Call.run(ctx,
                caller -> json(audit.verify(caller, checkpoint(ctx))), Call.json(ctx)));
    }

    /** The checkpoint in the query, or null when it has none; half a checkpoint is a 400. */
    static Checkpoint checkpoint(RoutingContext ctx) {
        String sequence = ctx.request().getParam("sequence");
        String hash = ctx.request().getParam("hash");
        if (sequence == null && hash == null) {
            return null;
        }
        if (sequence == null || hash == null) {
            throw DomainException.invalid("a checkpoint needs both sequence and hash");
        }
        String hex = hash.startsWith(HASH_PREFIX) ? hash.substring(HASH_PREFIX.length()) : hash;
        try {
            String time = ctx.request().getParam("time");
            String count = ctx.request().getParam("count");
            return new Checkpoint(Long.parseLong(sequence), hex, time == null ? Instant.EPOCH : Instant.parse(time),
                    count == null ? 0 : Long.parseLong(count));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw DomainException.invalid("invalid checkpoint: " + e.getMessage());
        }
    }

    static JsonObject json(Checkpoint c) {
        return new JsonObject().put("sequence", c.sequence()).put("hash", HASH_PREFIX + c.hash())
                .put("time", c.time().toString()).put("count", c.count());
    }

    static JsonObject json(ChainVerdict v) {
        return new JsonObject().put("ok", v.intact()).put("checked", v.checked())
                .put("head", v.head() == null ? null : json(v.head()))
                .put("firstBadSequence", v.firstBad()).put("problem", v.problem());
    }
}
