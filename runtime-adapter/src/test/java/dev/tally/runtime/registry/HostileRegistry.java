package dev.tally.runtime.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A registry that misbehaves on purpose, on 127.0.0.1 (plain HTTP): it serves manifests and blobs
 * from maps, and can lie about a manifest's digest, serve a blob's bytes wrong, or drop the
 * connection in the middle of a blob a number of times (honouring {@code Range} afterwards).
 */
public final class HostileRegistry implements AutoCloseable {

    /** Manifests by tag or digest: media type and bytes. */
    public final Map<String, Map.Entry<String, byte[]>> manifests = new ConcurrentHashMap<>();
    public final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    /** Digests the registry claims in Docker-Content-Digest instead of the real one, by tag. */
    public final Map<String, String> claimedDigests = new ConcurrentHashMap<>();
    /** Blobs served with these bytes instead. */
    public final Map<String, byte[]> corrupt = new ConcurrentHashMap<>();
    /** How many more times a blob's GET is cut after half its bytes. */
    public final AtomicInteger drops = new AtomicInteger();
    /** The Range header of each blob GET ("-" when none). */
    public final List<String> ranges = new CopyOnWriteArrayList<>();

    private final HttpServer server;

    public HostileRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/v2/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "hostile-registry");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** Serves an OCI layout's image (its manifest under its tag and its digest, its blobs). */
    public void serve(TestImages.Made image) throws IOException {
        try (var files = java.nio.file.Files.list(image.layout().resolve("blobs/sha256"))) {
            for (java.nio.file.Path f : files.toList()) {
                blobs.put("sha256:" + f.getFileName(), java.nio.file.Files.readAllBytes(f));
            }
        }
        byte[] manifest = blobs.get(image.manifestDigest());
        manifests.put(image.tag(), Map.entry("application/vnd.oci.image.manifest.v1+json", manifest));
        manifests.put(image.manifestDigest(), Map.entry("application/vnd.oci.image.manifest.v1+json", manifest));
    }

    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            if (path.equals("/v2/")) {
                send(x, 200, "application/json", "{}".getBytes(), null);
                return;
            }
            int m = path.indexOf("/manifests/");
            if (m > 0) {
                Map.Entry<String, byte[]> found = manifests.get(path.substring(m + 11));
                if (found == null) {
                    send(x, 404, "application/json", "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}".getBytes(), null);
                    return;
                }
                String claimed = claimedDigests.getOrDefault(path.substring(m + 11), Digests.sha256(found.getValue()));
                send(x, 200, found.getKey(), found.getValue(), claimed);
                return;
            }
            int b = path.indexOf("/blobs/");
            if (b > 0) {
                String digest = path.substring(b + 7);
                byte[] bytes = corrupt.getOrDefault(digest, blobs.get(digest));
                if (bytes == null) {
                    send(x, 404, "application/json", "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown\"}]}".getBytes(), null);
                    return;
                }
                String range = x.getRequestHeaders().getFirst("Range");
                ranges.add(range == null ? "-" : range);
                int from = 0;
                if (range != null && range.startsWith("bytes=")) {
                    from = Integer.parseInt(range.substring(6, range.indexOf('-')));
                }
                x.getResponseHeaders().set("Content-Type", "application/octet-stream");
                int length = bytes.length - from;
                x.sendResponseHeaders(from > 0 ? 206 : 200, length);
                OutputStream out = x.getResponseBody();
                if (drops.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    out.write(bytes, from, length / 2);
                    out.flush();
                    throw new IOException("dropped on purpose");
                }
                out.write(bytes, from, length);
                return;
            }
            send(x, 404, "text/plain", new byte[0], null);
        }
    }

    private static void send(HttpExchange x, int status, String type, byte[] body, String digest) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.getResponseHeaders().set("Docker-Distribution-Api-Version", "registry/2.0");
        if (digest != null) {
            x.getResponseHeaders().set("Docker-Content-Digest", digest);
        }
        x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            x.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
