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
 * from maps, and can lie about a manifest's digest, serve a blob's bytes wrong, drop the connection
 * in the middle of a blob a number of times (honouring {@code Range} afterwards), or go silent: before
 * it answers, in the middle of a blob, or in the middle of an upload (until it is closed). Uploads
 * (POST, then one PUT) are kept in {@link #uploaded}. With {@link #tokenBytes} set, it wants a Bearer
 * token from its own {@code /token} for every call, and a token expires once the uploads under it
 * would take more than that many bytes: the request that would pass the limit is read and refused
 * with a 401, as a token that expires during a long push.
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
    /** How many more requests get no answer at all (the registry goes silent before its headers). */
    public final AtomicInteger silentAnswers = new AtomicInteger();
    /** How many more blob GETs go silent after half their bytes. */
    public final AtomicInteger stalls = new AtomicInteger();
    /** How many more upload PUTs go silent after taking a few bytes. */
    public final AtomicInteger uploadStalls = new AtomicInteger();
    /** Blobs uploaded whole, by the digest the PUT named. */
    public final Map<String, byte[]> uploaded = new ConcurrentHashMap<>();
    /** Each upload request: its method and, for a PATCH, its Content-Range ("POST", "PATCH 0-1023", "PUT"). */
    public final List<String> uploadRequests = new CopyOnWriteArrayList<>();
    private final Map<String, java.io.ByteArrayOutputStream> uploads = new ConcurrentHashMap<>();
    /** When above 0: tokens are needed, and each carries at most this many uploaded bytes. */
    public final java.util.concurrent.atomic.AtomicLong tokenBytes = new java.util.concurrent.atomic.AtomicLong();
    /** The tokens handed out, in order. */
    public final List<String> tokens = new CopyOnWriteArrayList<>();
    /** Bytes uploaded under each token; a token over its limit is expired. */
    private final Map<String, Long> takenUnder = new ConcurrentHashMap<>();
    private final java.util.Set<String> expired = ConcurrentHashMap.newKeySet();

    /** When set, blob GETs are answered with a 307 to this base URL + "/storage/DIGEST?sig=1" (a storage host's). */
    public volatile String redirectBlobsTo;

    /** Holds silent handlers until {@link #close}. */
    private final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);

    private final HttpServer server;

    public HostileRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/v2/", this::handle);
        server.createContext("/token", x -> {
            try (x) {
                String token = "t" + (tokens.size() + 1);
                tokens.add(token);
                send(x, 200, "application/json", ("{\"token\":\"" + token + "\"}").getBytes(), null);
            }
        });
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
            if (silentAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                silence();
                return;
            }
            if (tokenBytes.get() > 0 && !authorized(x)) {
                return;
            }
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
            if (path.contains("/blobs/uploads/")) {
                upload(x);
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
                if (redirectBlobsTo != null) {
                    x.getResponseHeaders().set("Location", redirectBlobsTo + "/storage/" + digest + "?sig=1");
                    send(x, 307, "text/html", "<a>Temporary Redirect</a>".getBytes(), null);
                    return;
                }
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
                if (stalls.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    out.write(bytes, from, length / 2);
                    out.flush();
                    silence();
                    throw new IOException("silent on purpose");
                }
                out.write(bytes, from, length);
                return;
            }
            send(x, 404, "text/plain", new byte[0], null);
        }
    }

    /**
     * POST starts an upload; PATCH appends a chunk (its Content-Range must start where the upload is);
     * PUT ?digest= takes the rest, or the whole blob (or goes silent after a few bytes); DELETE drops it.
     */
    private void upload(HttpExchange x) throws IOException {
        String method = x.getRequestMethod();
        String path = x.getRequestURI().getPath();
        String range = x.getRequestHeaders().getFirst("Content-Range");
        uploadRequests.add(method + (range == null ? "" : " " + range));
        if (method.equals("GET")) {
            java.io.ByteArrayOutputStream held = uploads.get(path.substring(path.lastIndexOf('/') + 1));
            if (held == null) {
                send(x, 404, "application/json", "{\"errors\":[{\"code\":\"BLOB_UPLOAD_UNKNOWN\"}]}".getBytes(), null);
                return;
            }
            x.getResponseHeaders().set("Location", path);
            x.getResponseHeaders().set("Range", "0-" + (held.size() - 1)); // "0--1" for nothing, as the reference registry
            send(x, 204, "text/plain", new byte[0], null);
            return;
        }
        if (method.equals("DELETE")) {
            boolean had = uploads.remove(path.substring(path.lastIndexOf('/') + 1)) != null;
            send(x, had ? 204 : 404, "text/plain", new byte[0], null);
            return;
        }
        if (method.equals("POST")) {
            String id = java.util.UUID.randomUUID().toString();
            uploads.put(id, new java.io.ByteArrayOutputStream());
            x.getResponseHeaders().set("Location", "/v2/app/blobs/uploads/" + id);
            send(x, 202, "text/plain", new byte[0], null);
            return;
        }
        java.io.ByteArrayOutputStream sofar = uploads.get(path.substring(path.lastIndexOf('/') + 1));
        if (sofar == null) {
            send(x, 404, "application/json", "{\"errors\":[{\"code\":\"BLOB_UPLOAD_UNKNOWN\"}]}".getBytes(), null);
            return;
        }
        if (method.equals("PATCH")) {
            if (range == null || !range.startsWith(sofar.size() + "-")) {
                send(x, 416, "text/plain", new byte[0], null);
                return;
            }
            sofar.write(body(x));
            x.getResponseHeaders().set("Location", path);
            x.getResponseHeaders().set("Range", "0-" + (sofar.size() - 1));
            send(x, 202, "text/plain", new byte[0], null);
            return;
        }
        String query = x.getRequestURI().getRawQuery();
        String digest = java.net.URLDecoder.decode(query.substring(query.indexOf("digest=") + 7),
                java.nio.charset.StandardCharsets.UTF_8);
        if (uploadStalls.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            x.getRequestBody().readNBytes(16);
            silence();
            throw new IOException("silent on purpose");
        }
        sofar.write(body(x));
        uploaded.put(digest, sofar.toByteArray());
        send(x, 201, "text/plain", new byte[0], digest);
    }

    /**
     * Whether the call carries a live token (else it was answered with a 401 and its challenge). An
     * upload's bytes count against its token: the request that would pass the limit is refused.
     */
    private boolean authorized(HttpExchange x) throws IOException {
        String auth = x.getRequestHeaders().getFirst("Authorization");
        String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : "";
        boolean live = tokens.contains(token) && !expired.contains(token);
        String method = x.getRequestMethod();
        if (live && x.getRequestURI().getPath().contains("/blobs/uploads/") && (method.equals("PATCH") || method.equals("PUT"))) {
            byte[] body = x.getRequestBody().readAllBytes();
            long taken = takenUnder.merge(token, (long) body.length, Long::sum);
            if (taken > tokenBytes.get()) {
                expired.add(token);
                live = false;
                uploadRequests.add(method + " refused: token " + token + " expired");
            } else {
                pendingBody.set(body);
            }
        }
        if (!live) {
            x.getRequestBody().readAllBytes();
            x.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"http://" + host() + "/token\",service=\"hostile\"");
            send(x, 401, "application/json", "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}".getBytes(), null);
        }
        return live;
    }

    /** An upload's body already read by {@link #authorized}, for {@link #upload} (one handler thread per call). */
    private final ThreadLocal<byte[]> pendingBody = new ThreadLocal<>();

    private byte[] body(HttpExchange x) throws IOException {
        byte[] read = pendingBody.get();
        pendingBody.remove();
        return read != null ? read : x.getRequestBody().readAllBytes();
    }

    /** Says nothing more until the registry is closed. */
    private void silence() {
        try {
            closing.await(120, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
        closing.countDown();
        server.stop(0);
    }
}
