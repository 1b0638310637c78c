package dev.tally.rest;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.AttachStream;
import dev.tally.domain.container.ContainerStatus;
import dev.tally.domain.container.LogCursor;
import dev.tally.domain.container.WaitCondition;
import dev.tally.domain.container.query.ContainerView;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** Container endpoints that stream: wait, attach (hijacked) and logs. */
final class ContainerStreams {

    private final DockerApi.UseCases useCases;

    ContainerStreams(DockerApi.UseCases useCases) {
        this.useCases = useCases;
    }

    void mount(Router r) {
        r.post("/containers/:id/wait").handler(this::await);
        r.post("/containers/:id/attach").handler(this::attach);
        r.get("/containers/:id/logs").handler(this::logs);
    }

    /**
     * Headers go out at once (the docker CLI starts the container only after it has them); the
     * body follows when the condition is met: not-running (default), next-exit or removed.
     */
    private void await(RoutingContext ctx) {
        WaitCondition condition;
        try {
            condition = WaitCondition.named(ctx.request().getParam("condition"));
        } catch (DomainException e) {
            ErrorMapper.send(ctx.response(), e);
            return;
        }
        Call.run(ctx, caller -> useCases.containers().visible().require(ContainerRoutes.id(ctx), caller, "container.wait"), initial -> {
            HttpServerResponse resp = ctx.response();
            resp.setChunked(true).putHeader("Content-Type", "application/json");
            resp.writeHead();
            ExitWatch watch = new ExitWatch(condition, v -> {
                JsonObject error = v.error() == null || v.error().isEmpty() ? null
                        : new JsonObject().put("Message", v.error());
                resp.end(new JsonObject().put("StatusCode", v.exitCode()).put("Error", error).encode() + "\n");
            });
            // before the watch starts: an update may answer, and so end the response, at once
            resp.closeHandler(x -> watch.close());
            resp.endHandler(x -> watch.close());
            watch.start(useCases.containerQueries(), initial.id());
        });
    }

    /** Hijacks the connection and sends the container's output from now until it exits. */
    private void attach(RoutingContext ctx) {
        boolean stdout = DockerApi.flag(ctx, "stdout");
        boolean stderr = DockerApi.flag(ctx, "stderr");
        boolean withLogs = DockerApi.flag(ctx, "logs");
        boolean stdin = DockerApi.flag(ctx, "stdin");
        Call.run(ctx, caller -> {
            ContainerView c = useCases.containers().visible().require(ContainerRoutes.id(ctx), caller, "container.attach");
            UserStreams.Held held = Call.streams(ctx).open(caller, UserStreams.Kind.FOLLOWER);
            try {
                if (stdin && (c.config().tty() || c.config().openStdin())) {
                    useCases.console().recordStdin(c, caller); // its input will reach the process: recorded as exec is
                }
            } catch (RuntimeException e) {
                held.close();
                throw e;
            }
            return new Followed(c, held);
        }, followed -> {
            ContainerView c = followed.container();
            UserStreams.Held held = followed.held();
            boolean tty = c.config().tty();
            if (tty || (stdin && c.config().openStdin())) {
                interactive(ctx, c, tty, stdin, held);
                return;
            }
            LogCursor cursor = useCases.console().openLog(c);
            if (!withLogs) {
                cursor.skipToEnd(); // attach shows what comes from now on
            }
            Hijack.upgrade(ctx.request(), ctx.response(), tty ? "application/vnd.docker.raw-stream"
                    : "application/vnd.docker.multiplexed-stream").onComplete(ar -> {
                if (ar.failed()) {
                    cursor.close();
                    held.close();
                    ErrorMapper.send(ctx.response(), ar.cause());
                    return;
                }
                var socket = ar.result();
                ClientPace pace = new ClientPace(socket);
                LogFollower f = new LogFollower(ctx.vertx(), useCases.containerQueries(), c.id(), cursor,
                        line -> (line.stream() == 1 ? stdout : stderr),
                        lines -> pace.write(frames(tty, lines, false)), pace::full, () -> socket.end());
                socket.closeHandler(x -> {
                    f.stop();
                    held.close();
                });
                socket.handler(bytes -> {
                    // stdin is not wired to the container yet: it is read and dropped
                });
                f.start(c, true);
            });
        });
    }

    /**
     * Attach through the container's monitor: stdin goes in, output comes out as it is written. The
     * connection is made before the process runs when the container is about to start.
     */
    private void interactive(RoutingContext ctx, ContainerView c, boolean tty, boolean stdin, UserStreams.Held held) {
        java.util.concurrent.CompletableFuture<AttachStream> connecting = useCases.console().attach(c);
        Hijack.upgrade(ctx.request(), ctx.response(), tty ? "application/vnd.docker.raw-stream"
                : "application/vnd.docker.multiplexed-stream").onComplete(ar -> {
            if (ar.failed()) {
                held.close();
                connecting.thenAccept(AttachStream::close);
                ErrorMapper.send(ctx.response(), ar.cause());
                return;
            }
            NetSocket socket = ar.result();
            StdinRelay relay = new StdinRelay(Hijack.reading(ctx.request()), "tally-attach-stdin");
            if (stdin) {
                socket.handler(bytes -> relay.write(bytes.getBytes()));
                Hijack.onInputShutdown(ctx.request(), relay::end);
            } else {
                socket.handler(bytes -> { });
            }
            AtomicBoolean gone = new AtomicBoolean();
            AtomicReference<AttachStream> attached = new AtomicReference<>();
            socket.closeHandler(x -> {
                gone.set(true);
                relay.close();
                held.close();
                connecting.cancel(false); // one still waiting for the start waits no more
                AttachStream s = attached.get();
                if (s != null) {
                    s.close();
                }
            });
            // may run on the thread that starts the container, before its process runs: nothing here waits
            connecting.whenComplete((stream, error) -> {
                if (error != null && gone.get()) {
                    return; // the client went away while its attach waited
                }
                if (error != null) {
                    // what the client sent, and its end, go nowhere: a process that waits for them waits on
                    DaemonLog.line("attach to " + c.id() + " failed" + (stdin ? ", its stdin undelivered: " : ": ")
                            + (error.getCause() != null && error instanceof java.util.concurrent.CompletionException
                            ? error.getCause().getMessage() : error.getMessage()));
                    socket.end();
                    return;
                }
                attached.set(stream);
                if (gone.get()) {
                    stream.close();
                    return;
                }
                if (stdin) {
                    relay.connect(toContainer(stream));
                }
                Thread reader = new Thread(() -> {
                    AttachStream.Chunk chunk;
                    ClientPace pace = new ClientPace(socket);
                    while ((chunk = stream.read()) != null && pace.awaitRoom(gone::get)) {
                        pace.write(frame(tty, chunk.stream(), chunk.bytes()));
                    }
                    stream.close();
                    socket.end();
                }, "tally-attach");
                reader.setDaemon(true);
                reader.start();
            });
        });
    }

    /** The container's stdin through its attach stream: the end of input is a half-close of the stream. */
    private static StdinRelay.Sink toContainer(AttachStream stream) {
        return new StdinRelay.Sink() {
            @Override
            public void write(byte[] bytes) {
                stream.write(bytes);
            }

            @Override
            public void end() {
                stream.closeStdin();
            }
        };
    }

    /** A container shown to the caller, and the stream it counts against them (released when it ends). */
    private record Followed(ContainerView container, UserStreams.Held held) {
    }

    private void logs(RoutingContext ctx) {
        boolean stdout = DockerApi.flag(ctx, "stdout");
        boolean stderr = DockerApi.flag(ctx, "stderr");
        boolean follow = DockerApi.flag(ctx, "follow");
        boolean timestamps = DockerApi.flag(ctx, "timestamps");
        String tailParam = ctx.request().getParam("tail", "all");
        int tail = tailParam.equals("all") ? -1 : QueryValues.integer("tail", tailParam, -1);
        Instant since = time(ctx.request().getParam("since"));
        Instant until = time(ctx.request().getParam("until"));
        Call.run(ctx, caller -> {
            ContainerView c = useCases.containers().visible().require(ContainerRoutes.id(ctx), caller, "container.logs");
            return new Followed(c, follow && c.status() == ContainerStatus.RUNNING
                    ? Call.streams(ctx).open(caller, UserStreams.Kind.FOLLOWER) : () -> { });
        }, followed -> {
            ContainerView c = followed.container();
            UserStreams.Held held = followed.held();
            boolean tty = c.config().tty();
            HttpServerResponse resp = ctx.response();
            ClientPace pace = new ClientPace(resp);
            resp.endHandler(x -> held.close());
            resp.setChunked(true).putHeader("Content-Type", tty ? "application/vnd.docker.raw-stream"
                    : "application/vnd.docker.multiplexed-stream");
            LogCursor cursor = useCases.console().openLog(c);
            java.util.function.Predicate<LogCursor.Line> filter = line -> wanted(line, stdout, stderr, since, until);
            Runnable afterOld = () -> {
                if (resp.closed()) {
                    cursor.close();
                    held.close();
                    return;
                }
                if (!follow || c.status() == ContainerStatus.EXITED || c.status() == ContainerStatus.CREATED) {
                    cursor.close();
                    resp.end();
                    return;
                }
                LogFollower f = new LogFollower(ctx.vertx(), useCases.containerQueries(), c.id(), cursor, filter,
                        lines -> pace.write(frames(tty, lines, timestamps)), pace::full, resp::end);
                resp.closeHandler(x -> {
                    f.stop();
                    held.close();
                });
                f.start(c, false);
            };
            if (tail >= 0) {
                // from the log's end: only the last N wanted lines are ever read into memory
                ctx.vertx().executeBlocking(() -> cursor.tail(tail, filter), false).onComplete(ar -> {
                    if (ar.failed()) {
                        cursor.close();
                        ErrorMapper.send(resp, ar.cause());
                        return;
                    }
                    resp.writeHead();
                    resp.write(frames(tty, ar.result(), timestamps));
                    afterOld.run();
                });
            } else {
                sendChunks(ctx, pace, cursor, filter, tty, timestamps, afterOld);
            }
        });
    }

    /**
     * The whole log, one chunk at a time: a chunk is read only once the client has taken what was
     * sent but {@link ClientPace#UNSENT_AT_MOST}, so memory holds a chunk, not the log; then {@code after}.
     */
    private static void sendChunks(RoutingContext ctx, ClientPace pace, LogCursor cursor, java.util.function.Predicate<LogCursor.Line> filter,
                                   boolean tty, boolean timestamps, Runnable after) {
        HttpServerResponse resp = ctx.response();
        ctx.vertx().executeBlocking(cursor::next, false).onComplete(ar -> {
            if (ar.failed()) {
                cursor.close();
                if (resp.headWritten()) {
                    resp.end();
                } else {
                    ErrorMapper.send(resp, ar.cause());
                }
                return;
            }
            if (!resp.headWritten()) {
                resp.writeHead();
            }
            List<LogCursor.Line> chunk = ar.result();
            if (chunk.isEmpty() || resp.closed()) {
                after.run();
                return;
            }
            pace.write(frames(tty, chunk.stream().filter(filter).toList(), timestamps));
            pace.whenRoom(() -> sendChunks(ctx, pace, cursor, filter, tty, timestamps, after));
        });
    }

    private static boolean wanted(LogCursor.Line line, boolean stdout, boolean stderr, Instant since, Instant until) {
        return (line.stream() == 1 ? stdout : stderr)
                && (since == null || !line.time().isBefore(since))
                && (until == null || !line.time().isAfter(until));
    }

    private static byte[] stamped(LogCursor.Line line, boolean timestamps) {
        if (!timestamps) {
            return line.bytes();
        }
        byte[] prefix = (Rfc3339.nano(line.time()) + " ").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + line.bytes().length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(line.bytes(), 0, out, prefix.length, line.bytes().length);
        return out;
    }

    private static Instant time(String param) {
        return param == null || param.isEmpty() || param.equals("0") ? null : Rfc3339.unixSeconds(param);
    }

    /** One frame per line, in one buffer: one write for a whole batch. */
    static Buffer frames(boolean tty, List<LogCursor.Line> lines, boolean timestamps) {
        Buffer all = Buffer.buffer();
        for (LogCursor.Line line : lines) {
            all.appendBuffer(frame(tty, line.stream(), stamped(line, timestamps)));
        }
        return all;
    }

    /** The multiplexed-stream frame: [stream, 0, 0, 0, size as big-endian uint32] then the bytes. */
    static Buffer frame(boolean tty, int stream, byte[] bytes) {
        if (tty) {
            return Buffer.buffer(bytes);
        }
        return Buffer.buffer(8 + bytes.length).appendByte((byte) stream).appendByte((byte) 0).appendByte((byte) 0)
                .appendByte((byte) 0).appendInt(bytes.length).appendBytes(bytes);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // a listener set: nothing can fail here
        }
    }
}
