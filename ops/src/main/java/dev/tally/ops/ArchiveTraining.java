package dev.tally.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The requests that train tallyd's class-data archive ({@code ops/daemon-archive.sh}), made with the
 * JVM alone (no python3, no curl, which a plain install may lack): serves a directory as a registry of
 * static files on 127.0.0.1 (an image to pull), waits until the training tallyd answers on its
 * socket, then asks it what a first use asks (version, info, ps, a pull, images, inspect, rmi).
 * A failed request does not stop the training.
 *
 * <p>Usage: {@code ArchiveTraining SOCKET REGISTRY_DIR DAEMON_PID}. Exit 0 once the daemon answered
 * and the requests were sent; 1 when it never answered (it ended, or 60 s passed).
 */
public final class ArchiveTraining {

    private ArchiveTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        Path registry = Path.of(args[1]);
        ProcessHandle daemon = ProcessHandle.of(Long.parseLong(args[2])).orElse(null);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", exchange -> serve(registry, exchange));
        server.start();
        try {
            if (!answers(socket, daemon)) {
                System.exit(1);
            }
            String image = "127.0.0.1:" + server.getAddress().getPort() + "/train";
            for (List<String> request : List.of(List.of("GET", "/version"), List.of("GET", "/info"),
                    List.of("GET", "/containers/json?all=1"), List.of("POST", "/images/create?fromImage=" + image + "&tag=v1"),
                    List.of("GET", "/images/json"), List.of("GET", "/images/" + image + ":v1/json"),
                    List.of("DELETE", "/images/" + image + ":v1"))) {
                try {
                    request(socket, request.get(0), request.get(1));
                } catch (IOException e) {
                    System.err.println("archive training: " + request + ": " + e.getMessage());
                }
            }
        } finally {
            server.stop(0);
        }
    }

    /** Whether the daemon answers {@code /_ping} within 60 s, while it runs. */
    private static boolean answers(Path socket, ProcessHandle daemon) throws InterruptedException {
        long until = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < until && (daemon == null || daemon.isAlive())) {
            try {
                if (Files.exists(socket) && request(socket, "GET", "/_ping") == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100); // another process's socket: nothing to wait on but a poll (no Awaitility in main code)
        }
        return false;
    }

    /** One request on the daemon's socket, its answer read whole; its status. */
    static int request(Path socket, String method, String path) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            String head = method + " " + path + " HTTP/1.1\r\nHost: tally\r\nX-Registry-Auth: e30=\r\n"
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n";
            channel.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try (InputStream in = Channels.newInputStream(channel)) {
                in.transferTo(answer);
            }
            String text = answer.toString(StandardCharsets.ISO_8859_1);
            String[] status = text.isEmpty() ? new String[0] : text.substring(0, Math.max(text.indexOf('\r'), 0)).split(" ");
            if (status.length < 2) {
                throw new IOException("no answer to " + method + " " + path);
            }
            return Integer.parseInt(status[1]);
        }
    }

    /** GET or HEAD of a file under {@code root} (a directory is an empty 200, as the registry's {@code /v2/}). */
    private static void serve(Path root, HttpExchange exchange) throws IOException {
        try (exchange) {
            Path file = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            boolean head = exchange.getRequestMethod().equals("HEAD");
            if (!file.startsWith(root) || !Files.exists(file) || !(head || exchange.getRequestMethod().equals("GET"))) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = Files.isDirectory(file) ? new byte[0] : Files.readAllBytes(file);
            exchange.getResponseHeaders().set("Content-Type", file.getParent().endsWith("manifests")
                    ? "application/vnd.oci.image.manifest.v1+json" : "application/octet-stream");
            if (head) {
                exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
