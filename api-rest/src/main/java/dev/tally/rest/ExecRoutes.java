package dev.tally.rest;

import dev.tally.domain.container.ExecSession;
import dev.tally.domain.container.RunningExec;
import dev.tally.rest.body.ExecCreateBody;
import dev.tally.rest.body.ExecStartBody;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/** exec: create, start (hijacked, or detached), inspect, resize. */
final class ExecRoutes {

    private final DockerApi.UseCases useCases;

    ExecRoutes(DockerApi.UseCases useCases) {
        this.useCases = useCases;
    }

    void mount(Router r) {
        r.post("/containers/:id/exec").handler(ctx -> Call.withBody(ctx, ExecCreateBody.class,
                (caller, body) -> useCases.containers().execs().create(ContainerRoutes.id(ctx), body.spec(), caller),
                id -> Call.json(ctx, 201).accept(new JsonObject().put("Id", id))));
        r.post("/exec/:id/start").handler(this::start);
        r.get("/exec/:id/json").handler(ctx -> Call.run(ctx,
                caller -> inspect(useCases.containers().execs().session(ctx.pathParam("id"), caller)), Call.json(ctx)));
        r.post("/exec/:id/resize").handler(ctx -> Call.run(ctx, caller -> {
            useCases.containers().execs().resize(ctx.pathParam("id"), ContainerRoutes.intParam(ctx, "h", 0),
                    ContainerRoutes.intParam(ctx, "w", 0), caller);
            return true;
        }, done -> ctx.response().setStatusCode(200).end()));
    }

    /** A started exec, and how its start was asked for. */
    private record Started(ExecStartBody asked, ExecSession session, RunningExec exec) {
    }

    private void start(RoutingContext ctx) {
        String execId = ctx.pathParam("id");
        Call.withBody(ctx, ExecStartBody.class, (caller, body) -> {
            ExecSession session = useCases.containers().execs().session(execId, caller);
            RunningExec running = useCases.containers().execs().start(execId, caller);
            if (body.sized()) {
                running.process().resize(body.height(), body.width());
            }
            return new Started(body, session, running);
        }, started -> {
            RunningExec exec = started.exec();
            if (started.asked().detach()) {
                drain(exec.process().stdout());
                drain(exec.process().stderr());
                ctx.response().setStatusCode(200).end();
                return;
            }
            boolean tty = started.session().spec().tty();
            Hijack.upgrade(ctx.request(), ctx.response(), tty ? "application/vnd.docker.raw-stream"
                    : "application/vnd.docker.multiplexed-stream").onComplete(ar -> {
                if (ar.failed()) {
                    ErrorMapper.send(ctx.response(), ar.cause());
                    return;
                }
                NetSocket socket = ar.result();
                StdinRelay relay = new StdinRelay(Hijack.reading(ctx.request()), "tally-exec-stdin");
                AtomicBoolean gone = new AtomicBoolean();
                socket.handler(bytes -> relay.write(bytes.getBytes()));
                Hijack.onInputShutdown(ctx.request(), relay::end);
                socket.closeHandler(v -> {
                    gone.set(true);
                    relay.close();
                });
                relay.connect(toProcess(exec.process().stdin()));
                stream(socket, new ClientPace(socket), exec, tty, gone);
            });
        });
    }

    /**
     * Output to the client, at its pace, until the process ends and its exit is recorded, then close;
     * once the client is gone, the output is read and dropped, so that the process is not held.
     */
    private void stream(NetSocket socket, ClientPace pace, RunningExec exec, boolean tty, AtomicBoolean gone) {
        CountDownLatch copied = new CountDownLatch(tty ? 1 : 2);
        copy(exec.process().stdout(), 1, tty, pace, gone, copied);
        if (!tty) {
            copy(exec.process().stderr(), 2, false, pace, gone, copied);
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

    private static void copy(InputStream in, int stream, boolean tty, ClientPace pace, AtomicBoolean gone,
                             CountDownLatch done) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[32768];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (pace.awaitRoom(gone::get)) {
                        pace.write(ContainerStreams.frame(tty, stream, java.util.Arrays.copyOf(buf, n)));
                    }
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

    /** Docker's exec inspect; an exec whose exit is unknown (ExitCode -1) also says why, under {@code Error}. */
    private static JsonObject inspect(ExecSession s) {
        JsonObject json = new JsonObject()
                .put("ID", s.id())
                .put("ContainerID", s.containerId())
                .put("Running", s.running())
                .put("ExitCode", s.exitCode())
                .put("OpenStdin", true).put("OpenStdout", true).put("OpenStderr", true)
                .put("ProcessConfig", new JsonObject().put("tty", s.spec().tty())
                        .put("entrypoint", s.spec().cmd().get(0))
                        .put("arguments", new JsonArray(new ArrayList<>(s.spec().cmd().subList(1, s.spec().cmd().size()))))
                        .put("privileged", false).put("user", s.spec().user()));
        if (!s.error().isEmpty()) {
            json.put("Error", s.error());
        }
        return json;
    }


    /** The process's stdin: each write flushed, closed at the end of input. */
    private static StdinRelay.Sink toProcess(OutputStream stdin) {
        return new StdinRelay.Sink() {
            @Override
            public void write(byte[] bytes) throws IOException {
                stdin.write(bytes);
                stdin.flush();
            }

            @Override
            public void end() throws IOException {
                stdin.close();
            }
        };
    }
}
