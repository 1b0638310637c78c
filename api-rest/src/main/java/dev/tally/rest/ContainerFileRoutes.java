package dev.tally.rest;

import dev.tally.domain.Actor;
import dev.tally.domain.container.ContainerFiles;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Files in and out of containers: {@code HEAD}, {@code GET} and {@code PUT /containers/{id}/archive}
 * (docker cp both ways) and {@code GET /containers/{id}/export}. What goes out is written to a file
 * under the data root's {@code tmp/} first, so the container's lock is held only while the host is
 * read, never while a slow client reads; what comes in is streamed there (held to the upload limits),
 * then checked, recorded and unpacked by the use case.
 */
final class ContainerFileRoutes {

    static final String STAT_HEADER = "X-Docker-Container-Path-Stat";

    private final DockerApi.UseCases useCases;
    /** Where archives are spooled, on the data root's disk (never the host's /tmp). */
    private final Path spool;

    ContainerFileRoutes(DockerApi.UseCases useCases, Path spool) {
        this.useCases = useCases;
        this.spool = spool;
    }

    void mount(Router r) {
        r.head("/containers/:id/archive").handler(ctx -> Call.run(ctx, a -> useCases.containers().archives()
                .stat(ContainerRoutes.id(ctx), ctx.request().getParam("path"), a), stat -> ctx.response()
                .putHeader(STAT_HEADER, statHeader(stat)).putHeader("Content-Type", "application/x-tar").end()));
        r.get("/containers/:id/archive").handler(ctx -> Call.run(ctx, a -> {
            ContainerFiles.PathStat[] stat = new ContainerFiles.PathStat[1];
            Path file = spooled(ctx, out -> stat[0] = useCases.containers().archives().archive(ContainerRoutes.id(ctx),
                    ctx.request().getParam("path"), out, a), "archive");
            return new Spooled(file, stat[0]);
        }, spooled -> send(ctx, spooled)));
        r.get("/containers/:id/export").handler(ctx -> Call.run(ctx, a -> new Spooled(spooled(ctx, out -> useCases.containers()
                .archives().export(ContainerRoutes.id(ctx), out, a), "export"), null), spooled -> send(ctx, spooled)));
        r.put("/containers/:id/archive").handler(this::copyIn);
    }

    /** A tar written to a file, and the stat of what it holds (for the header), if any. */
    private record Spooled(Path file, ContainerFiles.PathStat stat) {
    }

    private interface Writer {
        void write(OutputStream out);
    }

    /**
     * The tar the writer makes, in a file under the spool, which keeps the data root's disk as much free
     * space as an upload must ({@code upload-keep-free}): past it the read is a 413 and the file goes.
     */
    private Path spooled(RoutingContext ctx, Writer writer, String what) throws IOException {
        Files.createDirectories(spool);
        Path file = Files.createTempFile(spool, what, ".tar");
        KeptFreeOutput kept = new KeptFreeOutput(Files.newOutputStream(file), spool,
                Call.admission(ctx).limits().keepFreeBytes());
        try (OutputStream out = new java.io.BufferedOutputStream(kept, 1 << 16)) {
            writer.write(out);
        } catch (RuntimeException | IOException e) {
            Files.deleteIfExists(file);
            if (kept.refused() != null) {
                throw kept.refused();
            }
            throw e;
        }
        return file;
    }

    private static void send(RoutingContext ctx, Spooled s) {
        if (s.stat() != null) {
            ctx.response().putHeader(STAT_HEADER, statHeader(s.stat()));
        }
        ctx.response().putHeader("Content-Type", "application/x-tar");
        // before the send: a small file is sent whole at once, and a response ended takes no handler
        ctx.response().closeHandler(x -> deleteQuietly(s.file()));
        ctx.response().sendFile(s.file().toString()).onComplete(x -> deleteQuietly(s.file()));
    }

    /**
     * The caller first (a container they may not see is a 404 before a byte of the upload is kept),
     * then the upload to a file, then the use case.
     */
    private void copyIn(RoutingContext ctx) {
        Actor actor = Call.caller(ctx);
        if (actor == null) {
            return;
        }
        String id = ContainerRoutes.id(ctx);
        String path = ctx.request().getParam("path");
        boolean noOverwrite = DockerApi.flag(ctx, "noOverwriteDirNonDir");
        boolean copyUidGid = DockerApi.flag(ctx, "copyUIDGID");
        ctx.request().pause();
        ctx.vertx().executeBlocking(() -> useCases.containers().visible().require(id, actor, "container.copy_in"))
                .onComplete(checked -> {
                    if (checked.failed()) {
                        ctx.response().putHeader("Connection", "close");
                        ctx.response().endHandler(x -> ctx.request().connection().close());
                        ErrorMapper.send(ctx.response(), checked.cause());
                        return;
                    }
                    upload(ctx, actor, id, path, noOverwrite, copyUidGid);
                });
    }

    private void upload(RoutingContext ctx, Actor actor, String id, String path, boolean noOverwrite, boolean copyUidGid) {
        Uploads.spool(ctx, spool, "copy", upload -> Call.anyone(ctx, () -> {
            try {
                long size = Files.size(upload);
                useCases.containers().archives().copyIn(id, path, () -> open(upload), size, digest(upload),
                        noOverwrite, copyUidGid, actor);
                return true;
            } finally {
                Uploads.delete(upload);
            }
        }, done -> ctx.response().setStatusCode(200).end()));
    }

    private static InputStream open(Path file) {
        try {
            return new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code sha256:<hex>} of the file. */
    static String digest(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** dockerd's header: base64 of {@code {"name","size","mode","mtime","linkTarget"}}, mode as Go's FileMode. */
    static String statHeader(ContainerFiles.PathStat s) {
        JsonObject json = new JsonObject().put("name", s.name()).put("size", s.size()).put("mode", goFileMode(s.mode()))
                .put("mtime", Rfc3339.nano(s.mtime())).put("linkTarget", s.linkTarget());
        return Base64.getEncoder().encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
    }

    /** A Unix {@code st_mode} as Go's {@code os.FileMode}: permissions, then type and special bits high. */
    static long goFileMode(int mode) {
        long m = mode & 0777;
        switch (mode & 0170000) {
            case 0040000 -> m |= 1L << 31;
            case 0120000 -> m |= 1L << 27;
            case 0060000 -> m |= 1L << 26;
            case 0020000 -> m |= (1L << 26) | (1L << 21);
            case 0010000 -> m |= 1L << 25;
            case 0140000 -> m |= 1L << 24;
            default -> { }
        }
        if ((mode & 04000) != 0) {
            m |= 1L << 23;
        }
        if ((mode & 02000) != 0) {
            m |= 1L << 22;
        }
        if ((mode & 01000) != 0) {
            m |= 1L << 20;
        }
        return m;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a spooled file under the data root's tmp/
        }
    }
}
