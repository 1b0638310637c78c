package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ops/daemon-archive.sh}, as {@code install.sh} runs it, on a host with neither python3 nor
 * curl (a minimal Debian has neither; {@code host-packages.sh} installs neither): it still makes
 * tallyd's class-data archive, trained by a pull. Before, it needed python3 and silently made none.
 */
class DaemonArchiveIT {

    @TempDir
    Path tmp;

    @Test
    void theArchiveIsMadeWithTheJvmAloneAndTrainedByAPull() throws Exception {
        Path daemon = Files.createDirectories(tmp.resolve("daemon"));
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) {
                jar(p, daemon.resolve("classes-" + n++ + ".jar"));
            } else if (entry.endsWith(".jar")) {
                Files.copy(p, daemon.resolve(n++ + "-" + p.getFileName()));
            }
        }
        // the tools the script uses, and no python3 or curl
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : List.of("sh", "tar", "gzip", "sha256sum", "cut", "cp", "stat", "mktemp", "mkdir", "rm", "grep",
                "sort", "umount", "printf", "echo", "ln", "kill", "cat", "tail")) {
            Path found = Stream.of("/usr/bin", "/bin", "/usr/sbin", "/sbin").map(d -> Path.of(d, tool))
                    .filter(Files::isExecutable).findFirst().orElseThrow(() -> new AssertionError(tool + " is missing"));
            Files.createSymbolicLink(bin.resolve(tool), found);
        }
        Files.createSymbolicLink(bin.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
        Path script = Path.of(System.getProperty("user.dir")).resolve("daemon-archive.sh");
        Daemon.Result made = Daemon.exec(List.of("/bin/sh", script.toString(), daemon.toString(), "-XX:+UseSerialGC",
                "-Xss512k", "-Xmx256m", "-XX:-UsePerfData", "-Ddisable-axoniq-console-message=true"),
                Map.of("PATH", bin.toString()));
        assertEquals(0, made.code(), made.out() + made.err());
        Path archive = daemon.resolve("tallyd.jsa");
        assertTrue(Files.size(archive) > 1 << 20, "an archive: " + Files.size(archive));
        String classes = new String(Files.readAllBytes(archive), StandardCharsets.ISO_8859_1);
        assertTrue(classes.contains("dev/tally/runtime/registry/Manifests"), "its training pulled an image");
    }

    /** The classes of one module's output directory as a jar: a class-data archive takes jars only. */
    private static void jar(Path classes, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString()));
                Files.copy(f, j);
                j.closeEntry();
            }
        }
    }
}
