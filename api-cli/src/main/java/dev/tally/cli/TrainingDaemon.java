package dev.tally.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in daemon for the CLI's class-data archive ({@code api-cli/class-archive.sh}): it answers
 * on a Unix socket what tallyd answers to {@code version}, {@code ps}, {@code images}, a
 * {@code pull} and a {@code push} (progress streams of two layers, chunked, as tallyd streams
 * them), {@code inspect} and {@code image inspect} of its one image, {@code tag} and {@code rmi},
 * so that the
 * training commands load every class of their whole path (the answer's head and body, the JSON, the
 * progress lines) into the archive without a daemon, a registry or the network, and without
 * touching a real daemon's state. Anything else gets a 404 in Docker's shape.
 *
 * <p>Usage: {@code TrainingDaemon SOCKET}: serves until killed, or for 120 s at most.
 */
public final class TrainingDaemon {

    private static final String LAYER_A = "e2e1482ee54d";
    private static final String LAYER_B = "f9e5a9b7cda2";
    private static final String VERSION = "{\"Platform\":{\"Name\":\"tally\"},\"Components\":[{\"Name\":\"Engine\","
            + "\"Version\":\"0.1.0\",\"Details\":{\"ApiVersion\":\"1.50\",\"MinAPIVersion\":\"1.24\",\"Os\":\"linux\","
            + "\"Arch\":\"amd64\",\"KernelVersion\":\"6.1.0\"}}],\"Version\":\"0.1.0\",\"ApiVersion\":\"1.50\","
            + "\"MinAPIVersion\":\"1.24\",\"GitCommit\":\"\",\"GoVersion\":\"java17\",\"Os\":\"linux\",\"Arch\":\"amd64\","
            + "\"KernelVersion\":\"6.1.0\",\"BuildTime\":\"\"}";
    private static final String IMAGE = "{\"Id\":\"sha256:" + "7".repeat(64) + "\",\"RepoTags\":[\"localhost/training:v1\"],"
            + "\"RepoDigests\":[\"localhost/training@sha256:" + "2".repeat(64) + "\"],\"Parent\":\"\",\"Comment\":\"\","
            + "\"Created\":\"2026-12-06T06:07:57.620944507Z\",\"Container\":\"\",\"Author\":\"\",\"Architecture\":\"amd64\","
            + "\"Os\":\"linux\",\"Size\":2109440,\"Config\":{\"Cmd\":[\"sh\"],\"Entrypoint\":null,\"Env\":[],"
            + "\"WorkingDir\":\"\",\"User\":\"\",\"Labels\":{}},\"RootFS\":{\"Type\":\"layers\",\"Layers\":[\"sha256:"
            + "5".repeat(64) + "\"]}}";
    private static final String IMAGES = "[{\"Id\":\"sha256:" + "7".repeat(64) + "\",\"ParentId\":\"\",\"RepoTags\":"
            + "[\"localhost/training:v1\"],\"RepoDigests\":[\"localhost/training@sha256:" + "2".repeat(64) + "\"],"
            + "\"Created\":1796480311,\"Size\":2109440,\"SharedSize\":-1,\"Labels\":{},\"Containers\":-1}]";

    private TrainingDaemon() {
    }

    public static void main(String[] args) throws IOException {
        Thread stop = new Thread(() -> {
            try {
                Thread.sleep(120_000); // a deadline, not a wait for a condition: a stand-in its script failed to kill ends
            } catch (InterruptedException ignored) {
                // stopped
            }
            System.exit(0);
        });
        stop.setDaemon(true);
        stop.start();
        serve(Path.of(args[0]));
    }

    /** Answers on {@code socket} (made anew) until the process ends. */
    static void serve(Path socket) throws IOException {
        Files.deleteIfExists(socket);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            while (true) {
                SocketChannel c = server.accept();
                Thread t = new Thread(() -> answer(c), "training-connection");
                t.setDaemon(true);
                t.start();
            }
        }
    }

    private static void answer(SocketChannel channel) {
        try (channel; InputStream in = Channels.newInputStream(channel); OutputStream out = Channels.newOutputStream(channel)) {
            String head;
            while ((head = head(in)) != null) {
                String requestLine = head.substring(0, head.indexOf('\r'));
                skipBody(in, head);
                String[] parts = requestLine.split(" ");
                String method = parts[0];
                String path = parts.length > 1 ? parts[1].replaceFirst("^/v1\\.[0-9]+", "") : "/";
                String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
                if (method.equals("GET") && path.startsWith("/version")) {
                    whole(out, 200, VERSION);
                } else if (method.equals("GET") && path.startsWith("/containers/json")) {
                    whole(out, 200, "[]");
                } else if (method.equals("GET") && path.startsWith("/images/json")) {
                    whole(out, 200, IMAGES);
                } else if (method.equals("GET") && path.startsWith("/_ping")) {
                    whole(out, 200, "OK");
                } else if (method.equals("POST") && path.startsWith("/images/create")) {
                    pull(out);
                } else if (method.equals("POST") && path.startsWith("/images/") && path.contains("/push")) {
                    push(out);
                } else if (method.equals("GET") && bare.equals("/images/localhost/training:v1/json")) {
                    whole(out, 200, IMAGE);
                } else if (method.equals("POST") && bare.startsWith("/images/") && bare.endsWith("/tag")) {
                    whole(out, 201, "");
                } else if (method.equals("DELETE") && bare.startsWith("/images/")) {
                    whole(out, 200, "[{\"Untagged\":\"" + bare.substring("/images/".length()) + "\"}]");
                } else {
                    whole(out, 404, "{\"message\":\"not served by the training daemon\"}");
                }
            }
        } catch (IOException | RuntimeException closed) {
            // the command ended
        }
    }

    /** A pull's progress, as tallyd streams it: chunked JSON lines. */
    private static void pull(OutputStream out) throws IOException {
        startStream(out);
        chunk(out, "{\"status\":\"Pulling from training\",\"id\":\"v1\"}");
        for (String id : new String[] {LAYER_A, LAYER_B}) {
            chunk(out, "{\"status\":\"Pulling fs layer\",\"progressDetail\":{},\"id\":\"" + id + "\"}");
        }
        for (String id : new String[] {LAYER_A, LAYER_B}) {
            for (int mib = 1; mib <= 2; mib++) {
                chunk(out, "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":" + (mib << 20)
                        + ",\"total\":2097152},\"progress\":\"[=========================>                         ] "
                        + mib + ".049MB/2.097MB\",\"id\":\"" + id + "\"}");
            }
            chunk(out, "{\"status\":\"Pull complete\",\"progressDetail\":{},\"id\":\"" + id + "\"}");
        }
        chunk(out, "{\"status\":\"Digest: sha256:" + "2".repeat(64) + "\"}");
        chunk(out, "{\"status\":\"Status: Downloaded newer image for localhost/training:v1\"}");
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** A push's progress, as tallyd streams it: chunked JSON lines. */
    private static void push(OutputStream out) throws IOException {
        startStream(out);
        chunk(out, "{\"status\":\"The push refers to repository [localhost/training]\"}");
        for (String id : new String[] {LAYER_A, LAYER_B}) {
            chunk(out, "{\"status\":\"Preparing\",\"progressDetail\":{},\"id\":\"" + id + "\"}");
        }
        for (String id : new String[] {LAYER_A, LAYER_B}) {
            chunk(out, "{\"status\":\"Pushing\",\"progressDetail\":{\"current\":1048576,\"total\":2097152},"
                    + "\"progress\":\"[=========================>                         ] 1.049MB/2.097MB\",\"id\":\""
                    + id + "\"}");
            chunk(out, "{\"status\":\"Pushed\",\"progressDetail\":{},\"id\":\"" + id + "\"}");
        }
        chunk(out, "{\"status\":\"v1: digest: sha256:" + "2".repeat(64) + " size: 735\"}");
        chunk(out, "{\"progressDetail\":{},\"aux\":{\"Tag\":\"v1\",\"Digest\":\"sha256:" + "2".repeat(64)
                + "\",\"Size\":735}}");
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void startStream(OutputStream out) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\nApi-Version: 1.50\r\nOstype: linux\r\nServer: tally/0.1.0 (linux)\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static void chunk(OutputStream out, String line) throws IOException {
        byte[] b = (line + "\r\n").getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void whole(OutputStream out, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String reason = status == 200 ? " OK" : status == 201 ? " Created" : " Not Found";
        out.write(("HTTP/1.1 " + status + reason + "\r\nApi-Version: 1.50\r\n"
                + "Ostype: linux\r\nServer: tally/0.1.0 (linux)\r\nContent-Type: application/json\r\nContent-Length: "
                + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
    }

    /** The request's head up to its blank line, or null at the end of the connection. */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        int matched = 0;
        while ((c = in.read()) >= 0) {
            b.write(c);
            matched = (c == "\r\n\r\n".charAt(matched)) ? matched + 1 : (c == '\r' ? 1 : 0);
            if (matched == 4) {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
            if (b.size() > 65536) {
                return null;
            }
        }
        return null;
    }

    private static void skipBody(InputStream in, String head) throws IOException {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                in.skipNBytes(Long.parseLong(line.substring(15).strip()));
            }
        }
    }
}
