package dev.tally.rest;

import dev.tally.domain.Actor;
import dev.tally.domain.container.ExecSession;
import dev.tally.domain.container.ExecSpec;
import dev.tally.domain.container.RunningExec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/** exec: create, start (hijacked, or detached), inspect, resize. */
final class ExecRoutes {

    private final DockerApi api;

    ExecRoutes(DockerApi api) {
        this.api = api;
    }

    void mount(Router r) {
        r.post("/containers/:id/exec").handler(this::create);
        r.post("/exec/:id/start").handler(this::start);
        r.get("/exec/:id/json").handler(ctx -> {
            Actor actor = DockerApi.callerOrDeny(ctx);
            if (actor != null) {
                api.blocking(ctx, () -> inspect(api.containers().execSession(ctx.pathParam("id"), actor)),
                        json -> ctx.response().putHeader("Content-Type", "application/json").end(json.encode()));
            }
        });
        r.post("/exec/:id/resize").handler(ctx -> {
            Actor actor = DockerApi.callerOrDeny(ctx);
            if (actor != null) {
                api.blocking(ctx, () -> {
                    api.containers().resizeExec(ctx.pathParam("id"), ContainerRoutes.intParam(ctx, "h", 0),
                            ContainerRoutes.intParam(ctx, "w", 0), actor);
                    return true;
                }, done -> ctx.response().setStatusCode(200).end());
            }
        });
    }

    private void create(RoutingContext ctx) {
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
                JsonObject json = DockerApi.jsonBody(body.result());
                ExecSpec spec = new ExecSpec(strings(json.getJsonArray("Cmd")), json.getBoolean("Tty", false),
                        json.getString("User"), json.getString("WorkingDir"), strings(json.getJsonArray("Env")));
                return api.containers().createExec(ContainerRoutes.id(ctx), spec, actor);
            }, id -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("Id", id).encode()));
        });
    }

    private void start(RoutingContext ctx) {
        Actor actor = DockerApi.callerOrDeny(ctx);
        if (actor == null) {
            return;
        }
        String execId = ctx.pathParam("id");
        ctx.request().body().onComplete(body -> {
            if (body.failed()) {
                ErrorMapper.send(ctx.response(), body.cause());
                return;
            }
            api.blocking(ctx, () -> {
                JsonObject json = DockerApi.jsonBody(body.result());
                ExecSession session = api.containers().execSession(execId, actor);
                RunningExec running = api.containers().startExec(execId, actor);
                JsonArray consoleSize = json.getJsonArray("ConsoleSize");
                if (consoleSize != null && consoleSize.size() == 2) {
                    running.process().resize(number(consoleSize.getValue(0)), number(consoleSize.getValue(1)));
                }
                return new Object[] {json.getBoolean("Detach", false), session, running};
            }, started -> {
                boolean detach = (Boolean) started[0];
                ExecSession session = (ExecSession) started[1];
                RunningExec exec = (RunningExec) started[2];
                if (detach) {
                    drain(exec.process().stdout());
                    drain(exec.process().stderr());
                    ctx.response().setStatusCode(200).end();
                    return;
                }
                boolean tty = session.spec().tty();
                Hijack.upgrade(ctx.request(), ctx.response(), tty ? "application/vnd.docker.raw-stream"
                        : "application/vnd.docker.multiplexed-stream").onComplete(ar -> {
                    if (ar.failed()) {
                        ErrorMapper.send(ctx.response(), ar.cause());
                        return;
                    }
                    Hijack.onInputShutdown(ctx.request(), () -> closeQuietly(exec.process().stdin()));
                    stream(ar.result(), exec, tty);
                });
            });
        });
    }

    /** Output to the client until the process ends and its exit is recorded, then close. */
    private void stream(NetSocket socket, RunningExec exec, boolean tty) {
        OutputStream stdin = exec.process().stdin();
        socket.handler(bytes -> {
            try {
                stdin.write(bytes.getBytes());
                stdin.flush();
            } catch (IOException ignored) {
                // the process no longer reads its input
            }
        });
        socket.endHandler(v -> closeQuietly(stdin));
        CountDownLatch copied = new CountDownLatch(tty ? 1 : 2);
        copy(exec.process().stdout(), 1, tty, socket, copied);
        if (!tty) {
            copy(exec.process().stderr(), 2, false, socket, copied);
        } else {
            drain(exec.process().stderr());
        }
        CompletableFuture.runAsync(() -> {
            try {
                copied.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exec.exit().whenComplete((code, error) -> {
                // docker writes a command that could not start as a line of output, then closes
                exec.process().startFailure().ifPresent(message -> socket.write(
                        ContainerStreams.frame(tty, 1, (message + "\r\n").getBytes(StandardCharsets.UTF_8))));
                socket.end();
            });
        });
    }

    private static void copy(InputStream in, int stream, boolean tty, NetSocket socket, CountDownLatch done) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[32768];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    byte[] chunk = java.util.Arrays.copyOf(buf, n);
                    Buffer frame = ContainerStreams.frame(tty, stream, chunk);
                    socket.write(frame);
                }
            } catch (IOException ignored) {
                // the process ended its output
            } finally {
                done.countDown();
            }
        }, "tally-exec-copy");
        t.setDaemon(true);
        t.start();
    }

    private static void drain(InputStream in) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // nobody listens to a detached exec
            }
        }, "tally-exec-drain");
        t.setDaemon(true);
        t.start();
    }

    private static JsonObject inspect(ExecSession s) {
        return new JsonObject()
                .put("ID", s.id())
                .put("ContainerID", s.containerId())
                .put("Running", s.running())
                .put("ExitCode", s.exitCode())
                .put("OpenStdin", true).put("OpenStdout", true).put("OpenStderr", true)
                .put("ProcessConfig", new JsonObject().put("tty", s.spec().tty())
                        .put("entrypoint", s.spec().cmd().get(0))
                        .put("arguments", new JsonArray(new ArrayList<>(s.spec().cmd().subList(1, s.spec().cmd().size()))))
                        .put("privileged", false).put("user", s.spec().user()));
    }


    private static List<String> strings(JsonArray a) {
        List<String> out = new ArrayList<>();
        if (a != null) {
            a.forEach(o -> out.add(String.valueOf(o)));
        }
        return out;
    }

    private static int number(Object value) {
        return value instanceof Number n ? n.intValue() : 0;
    }

    private static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
