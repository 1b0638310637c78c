package dev.tally.rest;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.rest.body.Bodies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * The opening every route shares: who calls (from the kernel or the client certificate, DENIED
 * when neither says), the body read into its record ({@link Bodies}), the work on the worker pool
 * (use cases and queries block on the store), and any failure answered through {@link ErrorMapper}.
 * The answer is written on the event loop, after the work.
 */
final class Call {

    /** Work for a caller; its result goes to the answer. */
    interface Work<T> {
        T run(Actor caller) throws Exception;
    }

    /** Work for a caller on the body they sent. */
    interface BodyWork<B, T> {
        T run(Actor caller, B body) throws Exception;
    }

    /** Work with nothing to answer but success. */
    interface Action {
        void run(Actor caller) throws Exception;
    }

    private Call() {
    }

    /** The caller; or a DENIED answer sent and null returned. */
    static Actor caller(RoutingContext ctx) {
        try {
            return CallerIdentity.of(ctx.request()).withUserAgent(ctx.request().getHeader("User-Agent"));
        } catch (DomainException e) {
            ErrorMapper.send(ctx.response(), e);
            return null;
        }
    }

    /** The caller's work off the event loop, then {@code answer} with its result. */
    static <T> void run(RoutingContext ctx, Work<T> work, Consumer<T> answer) {
        Actor caller = caller(ctx);
        if (caller != null) {
            anyone(ctx, () -> work.run(caller), answer);
        }
    }

    /** As {@link #run}, with the request's body read as {@code type} first (INVALID when it is not one). */
    static <B, T> void withBody(RoutingContext ctx, Class<B> type, BodyWork<B, T> work, Consumer<T> answer) {
        Actor caller = caller(ctx);
        if (caller == null) {
            return;
        }
        ctx.request().body().onComplete(body -> {
            if (body.failed()) {
                ErrorMapper.send(ctx.response(), body.cause());
                return;
            }
            anyone(ctx, () -> work.run(caller, Bodies.read(body.result().getBytes(), type)), answer);
        });
    }

    /** The caller's action off the event loop, answered 204. */
    static void noContent(RoutingContext ctx, Action action) {
        run(ctx, caller -> {
            action.run(caller);
            return true;
        }, done -> ctx.response().setStatusCode(204).end());
    }

    /** Work that does not ask who calls (what anyone who may connect may read), off the event loop. */
    static <T> void anyone(RoutingContext ctx, Callable<T> work, Consumer<T> answer) {
        ctx.vertx().executeBlocking(work, false).onComplete(ar -> {
            if (ar.succeeded()) {
                answer.accept(ar.result());
            } else {
                ErrorMapper.send(ctx.response(), ar.cause());
            }
        });
    }

    /** An answer of JSON ({@link JsonObject} or {@link JsonArray}) with this status. */
    static <T> Consumer<T> json(RoutingContext ctx, int status) {
        return json -> ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(json.toString());
    }

    /** An answer of JSON with status 200. */
    static <T> Consumer<T> json(RoutingContext ctx) {
        return json(ctx, 200);
    }
}
