package dev.tally.ops;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Long-running commands as host users (docker events, logs -f, a script holding connections), each
 * with its output in a file the test reads while it runs; all ended by {@link #close()}.
 */
final class HeldProcesses implements AutoCloseable {

    private final Path dir;
    private final List<Held> all = new ArrayList<>();
    private int made;

    /** One command: its process, its stdin (open until closed) and its output so far. */
    record Held(Process process, OutputStream stdin, Path outFile, Path errFile) {
        String out() {
            return read(outFile);
        }

        String err() {
            return read(errFile);
        }

        void type(String text) throws IOException {
            stdin.write(text.getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        private static String read(Path p) {
            try {
                return Files.readString(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new AssertionError("read " + p + ": " + e, e);
            }
        }
    }

    /** Outputs go below {@code dir}, which every user may write. */
    HeldProcesses(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        Daemon.exec(List.of("chmod", "0777", dir.toString()), Map.of());
    }

    /** Starts {@code command} as {@code user} from /, with their home and {@code env} added. */
    Held start(String user, Map<String, String> env, String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", user, "--", "env", "HOME=/home/" + user));
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.addAll(List.of(command));
        int n = ++made;
        Path out = dir.resolve(n + ".out");
        Path err = dir.resolve(n + ".err");
        Process p = new ProcessBuilder(cmd).directory(Path.of("/").toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        Held held = new Held(p, p.getOutputStream(), out, err);
        all.add(held);
        return held;
    }

    /**
     * A Python script, readable by every user, run as {@code python3 SCRIPT SOCKET N REQUEST}: holds N
     * connections to the socket (each sending REQUEST, if not empty, and reading its answer's head),
     * then opens one more with a ping and prints what it got ("HTTP/1.1 429 … | {"message": …}"), then
     * "holding", and holds them all until its stdin ends.
     */
    static Path connectionHolder(Path dir) throws IOException {
        return Files.writeString(dir.resolve("hold-connections.py"), String.join("\n",
                "import socket, sys",
                "path, n, request = sys.argv[1], int(sys.argv[2]), sys.argv[3]",
                "def conn(req):",
                "    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
                "    s.connect(path)",
                "    if req:",
                "        s.sendall(req.encode())",
                "    return s",
                "held = [conn(request) for _ in range(n)]",
                "for s in held:",
                "    got = b''",
                "    while request and b'\\r\\n\\r\\n' not in got:",
                "        got += s.recv(4096)",
                "extra = conn('GET /_ping HTTP/1.1\\r\\nHost: d\\r\\n\\r\\n')",
                "extra.settimeout(20)",
                "got = b''",
                "try:",
                "    while True:",
                "        c = extra.recv(4096)",
                "        if not c:",
                "            break",
                "        got += c",
                "except (socket.timeout, ConnectionResetError):",
                "    got += b' (still open or reset)'",
                "print(got.decode().replace('\\r\\n', ' | '), flush=True)",
                "print('holding', flush=True)",
                "sys.stdin.read()",
                ""));
    }

    @Override
    public void close() {
        for (Held h : all) {
            h.process().descendants().forEach(ProcessHandle::destroy);
            h.process().destroy();
        }
    }
}
