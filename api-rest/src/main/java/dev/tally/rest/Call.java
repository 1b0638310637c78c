package dev.tally.rest;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.rest.body.Bodies;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The opening every route shares: who calls (from the kernel or the client certificate, DENIED
 * when neither says), the caller admitted under the daemon's {@link Admission} (429 when over a
 * limit; waiting in the caller's own queue before that), the body read into its record ({@link Bodies},
 * 413 above {@link RequestLimits#bodyBytes}),
 * the work on the worker pool (use cases and queries block on the store), and any failure answered
 * through {@link ErrorMapper}. The answer is written on the event loop, after the work.
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

    /**
     * The caller; or a DENIED answer sent and null returned. A verified client certificate that is
     * nobody here (see {@link TlsCallerIdentity}) is recorded as an {@code AccessDenied} first.
     */
    static Actor caller(RoutingContext ctx) {
        TlsClients tls = ctx.get(TlsClients.KEY);
        TlsClients clients = tls == null ? TlsClients.NOBODY : tls;
        try {
            return CallerIdentity.of(ctx.request(), clients.users()).withUserAgent(ctx.request().getHeader("User-Agent"));
        } catch (TlsCallerIdentity.Refused e) {
            if (clients.access() == null) {
                ErrorMapper.send(ctx.response(), e);
                return null;
            }
            String request = ctx.request().method() + " " + ctx.request().path();
            ctx.vertx().executeBlocking(() -> clients.access().deny(e.claimed().withUserAgent(
                            ctx.request().getHeader("User-Agent")), "tls.identify", "", e.getMessage() + " (" + request + ")", e))
                    .onComplete(recorded -> ErrorMapper.send(ctx.response(), recorded.succeeded() ? e : recorded.cause()));
            return null;
        } catch (DomainException e) {
            ErrorMapper.send(ctx.response(), e);
            return null;
        }
    }

    /** The daemon's admission for this request's caller ({@link Admission#UNLIMITED} when none is set). */
    static Admission admission(RoutingContext ctx) {
        Admission a = ctx.get(Admission.KEY);
        return a == null ? Admission.UNLIMITED : a;
    }

    /** The daemon's count of long-lived streams per user ({@link UserStreams#UNLIMITED} when none is set). */
    static UserStreams streams(RoutingContext ctx) {
        UserStreams s = ctx.get(UserStreams.KEY);
        return s == null ? UserStreams.UNLIMITED : s;
    }

    /**
     * The caller's work, once admitted (perhaps after waiting in the caller's queue), back on the
     * request's context; or an answer sent (DENIED, or 429 over a limit) and nothing run.
     */
    private static void admitted(RoutingContext ctx, BiConsumer<Actor, Admission.Pass> work) {
        Actor caller = caller(ctx);
        if (caller == null) {
            return;
        }
        Context context = ctx.vertx().getOrCreateContext();
        admission(ctx).admit(caller).onComplete(pass -> context.runOnContext(x -> {
            if (pass.failed()) {
                refuse(ctx, pass.cause());
            } else if (ctx.response().closed()) {
                pass.result().release(); // the client left while it waited
            } else {
                work.accept(caller, pass.result());
            }
        }));
    }

    /** The caller's work off the event loop, then {@code answer} with its result. */
    static <T> void run(RoutingContext ctx, Work<T> work, Consumer<T> answer) {
        admitted(ctx, (caller, pass) -> onWorker(ctx, () -> work.run(caller), pass, answer));
    }

    /**
     * As {@link #run}, with the request's body read as {@code type} first (INVALID when it is not one;
     * 413 when larger than the limit). The body is read once the caller is admitted: a user holds
     * no more bodies in memory than requests under way.
     */
    static <B, T> void withBody(RoutingContext ctx, Class<B> type, BodyWork<B, T> work, Consumer<T> answer) {
        ctx.request().pause();
        admitted(ctx, (caller, pass) -> BoundedBody.read(ctx.request(), admission(ctx).limits().bodyBytes())
                .onComplete(body -> {
                    if (body.failed()) {
                        pass.release();
                        refuse(ctx, body.cause());
                        return;
                    }
                    onWorker(ctx, () -> work.run(caller, Bodies.read(body.result().getBytes(), type)), pass, answer);
                }));
    }

    /** The caller's action off the event loop, answered 204. */
    static void noContent(RoutingContext ctx, Action action) {
        run(ctx, caller -> {
            action.run(caller);
            return true;
        }, done -> ctx.response().setStatusCode(204).end());
    }

    /**
     * The caller's action off the event loop, up to the stage it returns (a wait that holds no
     * thread, such as a stop's: it does not count against the caller's limits); answered 204 once
     * the stage completes.
     */
    static void noContentLater(RoutingContext ctx, Work<CompletionStage<?>> action) {
        run(ctx, caller -> {
            CompletionStage<?> stage = action.run(caller);
            WorkInFlight work = ctx.get(WorkInFlight.KEY);
            if (work != null) {
                work.holdUntil(stage); // the daemon stops after it, as after the work that began it
            }
            return stage;
        }, stage -> Future.fromCompletionStage(stage, ctx.vertx().getOrCreateContext()).onComplete(ar -> {
            if (ar.succeeded()) {
                if (!ctx.response().closed() && !ctx.response().ended()) {
                    ctx.response().setStatusCode(204).end();
                }
            } else {
                Throwable cause = ar.cause();
                ErrorMapper.send(ctx.response(), cause instanceof CompletionException && cause.getCause() != null
                        ? cause.getCause() : cause);
            }
        }));
    }

    /** Work that does not ask who calls (what anyone who may connect may read), off the event loop. */
    static <T> void anyone(RoutingContext ctx, Callable<T> work, Consumer<T> answer) {
        onWorker(ctx, work, () -> { }, answer);
    }

    private static <T> void onWorker(RoutingContext ctx, Callable<T> work, Admission.Pass pass, Consumer<T> answer) {
        WorkInFlight inFlight = ctx.get(WorkInFlight.KEY);
        if (inFlight != null && !inFlight.enter()) {
            pass.release();
            refuse(ctx, WorkInFlight.stopping());
            return;
        }
        ctx.vertx().executeBlocking(() -> {
            try {
                return work.call();
            } finally {
                pass.release();
                if (inFlight != null) {
                    inFlight.exit();
                }
            }
        }, false).onComplete(ar -> {
            if (ar.succeeded()) {
                answer.accept(ar.result());
            } else {
                ErrorMapper.send(ctx.response(), ar.cause(), request(ctx));
            }
        });
    }

    /** The request as the daemon's log names it: method and path (the query may hold what a client wants kept). */
    static String request(RoutingContext ctx) {
        return ctx.request().method() + " " + ctx.request().path();
    }

    /**
     * A request refused over a limit, whose body may still be arriving (unread, or paused): answered,
     * then its connection closed, so that nothing of it is read as the next request.
     */
    private static void refuse(RoutingContext ctx, Throwable cause) {
        if (cause instanceof OverLimit) {
            ctx.response().putHeader("Connection", "close");
            ctx.response().endHandler(x -> ctx.request().connection().close());
        }
        ErrorMapper.send(ctx.response(), cause);
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
