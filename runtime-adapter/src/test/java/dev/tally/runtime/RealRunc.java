package dev.tally.runtime;

import static org.awaitility.Awaitility.await;

import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.ExecProcess;
import dev.tally.domain.container.ExecSpec;
import dev.tally.domain.container.LogCursor;
import dev.tally.runtime.image.LayeredImageStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** The real runtime (runc, conmon, overlay) on a data root of its own, with busybox imported. */
final class RealRunc implements AutoCloseable {

    final Path root;
    final Path dataRoot;
    final RuncRuntime runtime;
    final String imageId;
    final LayeredImageStore images;
    /** The busybox root filesystem the first image was imported from. */
    final Path busyboxTar;
    private final List<String> made = new ArrayList<>();

    RealRunc() throws IOException {
        this(DefaultSeccomp.DEBIAN_PROFILE);
    }

    /** With this seccomp profile for every container not unconfined. */
    RealRunc(Path seccompProfile) throws IOException {
        root = Files.createTempDirectory(Path.of("/tmp"), "tally-runc");
        Files.setAttribute(root, "unix:mode", 0711);
        dataRoot = root.resolve("data");
        images = new LayeredImageStore(dataRoot);
        Path tar = root.resolve("busybox.tar");
        busyboxTar = tar;
        sh("bash", Path.of("../ops/busybox-rootfs.sh").toAbsolutePath().normalize().toString(), tar.toString());
        try (InputStream in = Files.newInputStream(tar)) {
            imageId = images.importRootfs(in).id();
        }
        runtime = new RuncRuntime(dataRoot, root.resolve("run"), images, tool("runc"), tool("conmon"), seccompProfile);
    }

    /** A runtime made anew on the same roots and image store, as a daemon's restart makes one. */
    RuncRuntime restarted() {
        return new RuncRuntime(dataRoot, root.resolve("run"), images, tool("runc"), tool("conmon"),
                DefaultSeccomp.DEBIAN_PROFILE);
    }

    private static String tool(String name) {
        return sh("sh", "-c", "command -v " + name).strip();
    }

    /** A host user with subordinate ids, made if missing, as ops/subids.sh gives them. */
    static void ensureUserWithSubids(String user) {
        sh("sh", "-c", "id " + user + " >/dev/null 2>&1 || useradd -m " + user + " || id " + user);
        sh("bash", Path.of("../ops/subids.sh").toAbsolutePath().normalize().toString(), user);
    }

    static ContainerConfig config(List<String> cmd) {
        return config(cmd, List.of(), ContainerConfig.HostAccess.NONE, ContainerConfig.Limits.NONE);
    }

    static ContainerConfig config(List<String> cmd, List<ContainerConfig.Mount> mounts,
                                  ContainerConfig.HostAccess access, ContainerConfig.Limits limits) {
        return new ContainerConfig("busybox", List.of(), cmd, List.of(), "", "", "", Map.of(), false, false,
                mounts, limits, "none", false, access, ContainerConfig.Hardening.NONE, Map.of());
    }

    static ContainerConfig config(List<String> cmd, List<ContainerConfig.Mount> mounts,
                                  ContainerConfig.HostAccess access, ContainerConfig.Hardening hardening) {
        return new ContainerConfig("busybox", List.of(), cmd, List.of(), "", "", "", Map.of(), false, false,
                mounts, ContainerConfig.Limits.NONE, "none", false, access, hardening, Map.of());
    }

    /** Creates and starts a container; returns its id. */
    String start(ContainerConfig config, String remapUser) {
        String id = create(config, remapUser);
        runtime.start(id);
        return id;
    }

    String create(ContainerConfig config, String remapUser) {
        return create(config, remapUser, imageId);
    }

    /** Creates a container of another image of {@link #images}. */
    String create(ContainerConfig config, String remapUser, String image) {
        byte[] b = new byte[32];
        ThreadLocalRandom.current().nextBytes(b);
        String id = HexFormat.of().formatHex(b);
        made.add(id);
        runtime.create(id, config, image, remapUser);
        return id;
    }

    record Output(int code, String out, String err) {
    }

    /** Runs a container to its end. */
    Output run(ContainerConfig config, String remapUser) {
        return run(config, remapUser, imageId);
    }

    /** Runs a container of another image of {@link #images} to its end. */
    Output run(ContainerConfig config, String remapUser, String image) {
        String id = create(config, remapUser, image);
        runtime.start(id);
        await().atMost(Duration.ofSeconds(30)).until(() -> runtime.inspect(id).exit().isPresent());
        int code = runtime.inspect(id).exit().orElseThrow().code();
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        try (LogCursor log = runtime.openLog(id)) {
            for (LogCursor.Line line : log.next()) {
                (line.stream() == 1 ? out : err).append(new String(line.bytes(), StandardCharsets.UTF_8));
            }
        }
        runtime.remove(id);
        return new Output(code, out.toString(), err.toString());
    }

    Output exec(String id, String... cmd) {
        ExecProcess p = runtime.exec(id, new ExecSpec(List.of(cmd), false, "", "", List.of()));
        try {
            p.stdin().close();
            String out = new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.stderr().readAllBytes(), StandardCharsets.UTF_8);
            return new Output(p.waitFor(), out, err);
        } catch (IOException e) {
            throw new AssertionError("exec " + List.of(cmd) + ": " + e, e);
        }
    }

    /** A line of /proc/PID/status, e.g. Uid or CapEff, without its label. */
    static String status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).strip();
            }
        }
        throw new AssertionError("no " + field + " in /proc/" + pid + "/status");
    }

    static String sh(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(List.of(argv) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("run " + List.of(argv) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        for (String id : made) {
            runtime.kill(id, "KILL");
            await().atMost(Duration.ofSeconds(30)).until(() -> !runtime.inspect(id).running());
            runtime.remove(id);
        }
        sh("rm", "-rf", "--one-file-system", root.toString());
    }
}
