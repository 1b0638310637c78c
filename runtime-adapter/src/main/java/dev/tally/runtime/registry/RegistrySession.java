package dev.tally.runtime.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.domain.DomainException;
import dev.tally.domain.image.registry.Descriptor;
import dev.tally.domain.image.registry.Registry;
import dev.tally.domain.image.registry.RegistryCredentials;
import dev.tally.domain.image.registry.RemoteImage;
import dev.tally.domain.image.registry.RemoteReference;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Calls on one repository, with the registry's auth: a request that gets a 401 is answered with the
 * challenge's scheme (Basic with the credentials, or a Bearer token from the challenge's realm for
 * this repository's scope) and sent once more; the token is kept for the session's later calls.
 */
final class RegistrySession implements Registry.Session {

    private static final int MAX_REDIRECTS = 5;

    /** A response read whole (at most {@link #readSome}'s share). */
    private record Answer(int status, java.net.http.HttpHeaders headers, byte[] body) {
    }

    private final RegistryClient client;
    private final RemoteReference repository;
    private final RegistryCredentials credentials;
    private final boolean push;
    /** The Authorization header the registry last accepted or asked for, or null. */
    private volatile String authorization;
    /** Repositories beyond ours the token must cover (a mount's source). */
    private final List<String> extraPulls = new java.util.concurrent.CopyOnWriteArrayList<>();

    RegistrySession(RegistryClient client, RemoteReference repository, RegistryCredentials credentials, boolean push) {
        this.client = client;
        this.repository = repository;
        this.credentials = credentials;
        this.push = push;
    }

    private String name() {
        return repository.registry() + "/" + repository.repository();
    }

    private String path(String rest) {
        return "v2/" + repository.repository() + "/" + rest;
    }

    // ---- login

    String login() {
        RegistryClient.Endpoint e = client.endpoint(repository.registry());
        Answer first = sendBytes(HttpRequest.newBuilder(e.resolve("v2/")).GET(), "log in to "
                + repository.registry(), false);
        if (first.status() == 200) {
            return "";
        }
        if (first.status() != 401) {
            throw RegistryErrors.of("log in to " + repository.registry(), first.status(), first.body());
        }
        authenticate(first.headers(), "log in to " + repository.registry(), true);
        Answer again = sendBytes(HttpRequest.newBuilder(e.resolve("v2/")).GET(), "log in to "
                + repository.registry(), false);
        if (again.status() != 200) {
            throw new DomainException(DomainException.Kind.DENIED, "login to " + repository.registry()
                    + " refused: unauthorized: incorrect username or password");
        }
        return "";
    }

    // ---- pull

    @Override
    public RemoteImage resolve(String tagOrDigest, String platform) {
        String what = "manifest for " + repository.familiarName() + (tagOrDigest.startsWith("sha256:") ? "@" : ":")
                + tagOrDigest;
        Fetched m = fetchManifest(tagOrDigest, what);
        JsonNode json = Manifests.read(m.bytes, what);
        String type = Manifests.mediaType(json, m.contentType);
        boolean chosen = Manifests.isIndex(type);
        if (chosen) {
            String p = platform == null || platform.isBlank() ? "linux/amd64" : platform;
            Descriptor entry = Manifests.choose(json, p).orElseThrow(() -> DomainException.notFound(
                    "no matching manifest for " + p + " in the manifest list entries of " + repository.familiar()));
            m = fetchManifest(entry.digest(), what);
            json = Manifests.read(m.bytes, what);
            type = Manifests.mediaType(json, m.contentType);
        }
        if (json.path("schemaVersion").asInt(0) == 1 || !Manifests.isImage(type)) {
            throw DomainException.invalid(what + ": unsupported manifest type " + RegistryErrors.printable(type)
                    + " (tally pulls Docker v2 schema 2 and OCI images)");
        }
        RemoteImage image = new RemoteImage(m.digest, type, m.bytes, Manifests.config(json), Manifests.layers(json));
        if (!chosen && platform != null && !platform.isBlank()) {
            requirePlatform(image.config(), platform, tagOrDigest);
        }
        return image;
    }

    /**
     * An image of one platform only (a manifest, not an index), asked for a platform by name: its
     * config says which it is, and another one is refused before any layer is fetched. dockerd pulls
     * it and warns ("was found but does not match the specified platform"); tally refuses, so that
     * a name never points at another platform than the one its pull asked for.
     */
    private void requirePlatform(Descriptor config, String platform, String tagOrDigest) {
        String what = "the config of " + repository.familiarName() + (tagOrDigest.startsWith("sha256:") ? "@" : ":")
                + tagOrDigest;
        if (config.size() > Manifests.MAX_BYTES) {
            throw DomainException.invalid(what + " is " + config.size() + " bytes, over the 4 MiB limit");
        }
        byte[] bytes;
        try (InputStream in = fetchBlob(config, 0)) {
            bytes = in.readNBytes((int) config.size() + 1);
        } catch (IOException e) {
            throw RegistryClient.unreachable(repository.registry(), e);
        }
        if (bytes.length != config.size() || !Digests.sha256(bytes).equals(config.digest())) {
            throw DomainException.invalid(what + ": the registry served a blob that is not " + config.digest());
        }
        JsonNode said = Manifests.read(bytes, what);
        if (!Manifests.matches(said, platform)) {
            throw DomainException.notFound("image with reference " + repository.familiarName()
                    + (tagOrDigest.startsWith("sha256:") ? "@" : ":") + tagOrDigest
                    + " was found but does not match the specified platform: wanted " + platform
                    + ", actual: " + Manifests.platformOf(said));
        }
    }

    private record Fetched(byte[] bytes, String contentType, String digest) {
    }

    private Fetched fetchManifest(String tagOrDigest, String what) {
        URI uri = client.endpoint(repository.registry()).resolve(path("manifests/" + tagOrDigest));
        HttpResponse<InputStream> r = send(HttpRequest.newBuilder(uri).header("Accept", Manifests.ACCEPT).GET(), what);
        try (InputStream body = r.body()) {
            if (r.statusCode() != 200) {
                throw refusal(what, r.statusCode(), readSome(body));
            }
            long declared = r.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > Manifests.MAX_BYTES) {
                throw DomainException.invalid(what + ": the manifest is " + declared + " bytes, over the 4 MiB limit");
            }
            byte[] bytes = body.readNBytes(Manifests.MAX_BYTES + 1);
            if (bytes.length > Manifests.MAX_BYTES) {
                throw DomainException.invalid(what + ": the manifest is over the 4 MiB limit");
            }
            String digest = Digests.sha256(bytes);
            if (tagOrDigest.startsWith("sha256:") && !tagOrDigest.equals(digest)) {
                throw DomainException.invalid(what + ": the registry served a manifest whose digest is " + digest);
            }
            Optional<String> said = r.headers().firstValue("Docker-Content-Digest");
            if (said.isPresent() && said.get().startsWith("sha256:") && !said.get().equals(digest)) {
                throw DomainException.invalid(what + ": the registry says the manifest's digest is "
                        + RegistryErrors.printable(said.get()) + " but its bytes' digest is " + digest);
            }
            return new Fetched(bytes, r.headers().firstValue("Content-Type").orElse(""), digest);
        } catch (IOException e) {
            throw RegistryClient.unreachable(repository.registry(), e);
        }
    }

    /** A refusal in Docker's words: a 401 after auth, or a 404 of the repository, reads as Docker's pull or push denial. */
    private DomainException refusal(String what, int status, byte[] body) {
        if (status == 401 || (status == 404 && RegistryErrors.detail(body).startsWith("name unknown"))) {
            String verb = push ? "push" : "pull";
            String message = (status == 401 && push)
                    ? "unauthorized: authentication required for " + repository.familiarName()
                    : verb + " access denied for " + repository.familiarName()
                            + ", repository does not exist or may require 'docker login'";
            String detail = RegistryErrors.detail(body);
            return new DomainException(status == 401 ? DomainException.Kind.DENIED : DomainException.Kind.NOT_FOUND,
                    message + (detail.isEmpty() ? "" : ": " + detail));
        }
        if (status == 404) {
            String detail = RegistryErrors.detail(body);
            return DomainException.notFound(what + " not found" + (detail.isEmpty() ? "" : ": " + detail));
        }
        return RegistryErrors.of(what, status, body);
    }

    @Override
    public InputStream openBlob(Descriptor blob) {
        return new ResumingBlobStream(this, blob);
    }

    /**
     * One GET of a blob from {@code offset} over {@link BlobConnections}: the body positioned at
     * {@code offset} (a registry that ignores Range has the bytes before skipped). Redirects to a
     * storage host are followed without our credentials. A registry that cannot be reached or does not
     * answer is a FAILED DomainException (not retried by {@link ResumingBlobStream}); a body that breaks
     * off is an IOException of its reader.
     */
    InputStream fetchBlob(Descriptor blob, long offset) throws IOException {
        String what = "blob " + blob.digest() + " of " + repository.familiarName();
        URI uri = client.endpoint(repository.registry()).resolve(path("blobs/" + blob.digest()));
        BlobConnections.Response r = blobGet(uri, offset, what);
        int status = r.status();
        if (status == 200 || status == 206) {
            InputStream body = r.body();
            if (offset > 0 && status == 200) {
                try {
                    body.skipNBytes(offset);
                } catch (IOException | RuntimeException e) {
                    r.close();
                    throw e;
                }
            }
            return body;
        }
        byte[] some;
        try (r) {
            some = readSome(r.body());
        }
        throw refusal(what, status, some);
    }

    /** A blob GET with auth: a 401 is answered with its challenge and the GET sent once more. */
    private BlobConnections.Response blobGet(URI uri, long offset, String what) {
        BlobConnections.Response r = blobGetOnce(uri, offset, what);
        if (r.status() != 401) {
            return r;
        }
        byte[] refused;
        try (r) {
            refused = readSome(r.body());
        } catch (IOException e) {
            throw RegistryClient.unreachable(repository.registry(), e);
        }
        if (!authenticate(r.headers(), what, false)) {
            throw refusal(what, 401, refused);
        }
        return blobGetOnce(uri, offset, what);
    }

    /** One blob GET and its redirects, as {@link #sendOnce} follows them. */
    private BlobConnections.Response blobGetOnce(URI uri, long offset, String what) {
        String auth = authorization;
        RegistryClient.Endpoint e = client.endpoint(repository.registry());
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
        if (offset > 0) {
            headers.put("Range", "bytes=" + offset + "-");
        }
        java.util.Map<String, String> first = new java.util.LinkedHashMap<>(headers);
        if (auth != null) {
            first.put("Authorization", auth);
        }
        try {
            URI at = uri;
            BlobConnections.Response r = client.blobs().get(at, first, e.tls());
            for (int i = 0; i < MAX_REDIRECTS && isRedirect(r.status()); i++) {
                String location = r.headers().firstValue("Location").orElse("");
                r.close();
                URI next = at.resolve(location);
                if (next.getScheme() == null || !(next.getScheme().equals("http") || next.getScheme().equals("https"))
                        || next.getHost() == null) {
                    throw new DomainException(DomainException.Kind.FAILED, what + ": the registry redirected to "
                            + RegistryErrors.printable(location) + "; refused");
                }
                if (next.getScheme().equals("http") && !e.base().getScheme().equals("http")) {
                    throw new DomainException(DomainException.Kind.FAILED, what
                            + ": the registry redirected from TLS to plain HTTP; refused");
                }
                boolean sameHost = next.getHost().equals(e.base().getHost())
                        && next.getPort() == e.base().getPort() && next.getScheme().equals(e.base().getScheme());
                r = client.blobs().get(next, sameHost ? first : headers, e.tls());
                at = next;
            }
            return r;
        } catch (IOException x) {
            throw RegistryClient.unreachable(repository.registry(), x);
        }
    }

    @Override
    public boolean hasBlob(String digest) {
        String what = "blob " + digest + " of " + repository.familiarName();
        URI uri = client.endpoint(repository.registry()).resolve(path("blobs/" + digest));
        Answer r = sendBytes(HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()),
                what, true);
        if (r.status() == 200) {
            return true;
        }
        if (r.status() == 404) {
            return false;
        }
        throw refusal(what, r.status(), r.body());
    }

    // ---- push

    @Override
    public boolean mountBlob(Descriptor blob, String fromRepository) {
        if (!extraPulls.contains(fromRepository)) {
            extraPulls.add(fromRepository);
            authorization = null;
        }
        String what = "mount of " + blob.digest() + " into " + repository.familiarName();
        URI uri = client.endpoint(repository.registry()).resolve(path("blobs/uploads/?mount="
                + enc(blob.digest()) + "&from=" + enc(fromRepository)));
        Answer r = sendBytes(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()), what, true);
        if (r.status() == 201) {
            return true;
        }
        if (r.status() == 202) {
            r.headers().firstValue("Location").ifPresent(l -> cancelUpload(l, true));
            return false;
        }
        throw refusal(what, r.status(), r.body());
    }

    /** Asks the registry to drop an upload (DELETE), with a fresh token on a 401 or not; its failure is ignored. */
    private void cancelUpload(String location, boolean renewToken) {
        try {
            URI uri = client.endpoint(repository.registry()).base().resolve(location);
            sendBytes(HttpRequest.newBuilder(uri).DELETE(), "cancel an upload", renewToken);
        } catch (DomainException ignored) {
            // the registry expires abandoned uploads itself
        }
    }

    /**
     * POST, then the bytes: PATCH chunks and an empty PUT for a blob over the chunk size, one PUT
     * otherwise. A 401 to a request carrying bytes (its token expired during the upload) is answered
     * once: a fresh token, then the upload goes on from what the registry says it holds of it (GET of
     * the upload's location, its {@code Range}), or from the start of a new upload when it cannot say.
     * An upload that fails is cancelled (DELETE of its location, with the token it has), as the docker
     * CLI does, unless the registry stopped answering: that DELETE would wait as long again.
     */
    @Override
    public void uploadBlob(Descriptor blob, Registry.Content content) {
        String what = "upload of " + blob.digest() + " to " + repository.familiarName();
        URI[] at = {startUpload(what)};
        try {
            upload(blob, content, at, what);
        } catch (DomainException e) {
            if (!(e.getCause() instanceof java.net.http.HttpTimeoutException)) {
                cancelUpload(at[0].toString(), false);
            }
            throw e;
        }
    }

    /** The upload's requests from its start at {@code at[0]}, which is kept where the upload stands. */
    private void upload(Descriptor blob, Registry.Content content, URI[] at, String what) {
        long offset = 0;
        boolean reauthenticated = false;
        while (true) {
            Answer refused;
            try (InputStream in = content.from(offset)) {
                Progress p = sendFrom(blob, at, offset, new Taken(in), what);
                if (p.refused() == null) {
                    return;
                }
                at[0] = p.location();
                refused = p.refused();
            } catch (IOException e) {
                throw new DomainException(DomainException.Kind.FAILED, what + ": read the blob: " + e.getMessage(), e);
            }
            if (reauthenticated || !authenticate(refused.headers(), what, false)) {
                throw refusal(what, 401, refused.body());
            }
            reauthenticated = true;
            offset = acknowledged(at[0], blob.size(), what);
            if (offset < 0) {
                at[0] = startUpload(what);
                offset = 0;
            }
        }
    }

    private URI startUpload(String what) {
        URI start = client.endpoint(repository.registry()).resolve(path("blobs/uploads/"));
        Answer started = sendBytes(HttpRequest.newBuilder(start).POST(HttpRequest.BodyPublishers.noBody()),
                what, true);
        if (started.status() != 202) {
            throw refusal(what, started.status(), started.body());
        }
        return location(started, what);
    }

    private URI location(Answer a, String what) {
        String location = a.headers().firstValue("Location").orElseThrow(() -> new DomainException(
                DomainException.Kind.FAILED, what + ": the registry gave no upload location"));
        return client.endpoint(repository.registry()).base().resolve(location);
    }

    /** Where an upload stands after a try: done ({@code refused} null), or refused with a 401 at {@code location}. */
    private record Progress(URI location, Answer refused) {
    }

    /** The blob's bytes from {@code offset} (what {@code taken} reads) to the upload at {@code at[0]}, kept where it stands. */
    private Progress sendFrom(Descriptor blob, URI[] at, long offset, Taken taken, String what) {
        URI put = at[0];
        long rest = blob.size() - offset;
        if (blob.size() > client.chunkBytes()) {
            for (long sent = offset; sent < blob.size(); ) {
                long n = Math.min(client.chunkBytes(), blob.size() - sent);
                Answer patched = sendBytes(HttpRequest.newBuilder(put).header("Content-Type", "application/octet-stream")
                        .header("Content-Range", sent + "-" + (sent + n - 1)).method("PATCH", body(taken, n)), what, taken);
                if (patched.status() == 401) {
                    return new Progress(put, patched);
                }
                if (patched.status() != 202) {
                    throw refusal(what, patched.status(), patched.body());
                }
                sent += n;
                put = client.endpoint(repository.registry()).base().resolve(patched.headers().firstValue("Location")
                        .orElseThrow(() -> new DomainException(DomainException.Kind.FAILED,
                                what + ": the registry gave no location after a chunk")));
                at[0] = put;
            }
            rest = 0;
        }
        String sep = put.getRawQuery() == null ? "?" : "&";
        URI target = URI.create(put + sep + "digest=" + enc(blob.digest()));
        Answer done = sendBytes(HttpRequest.newBuilder(target).header("Content-Type", "application/octet-stream")
                .PUT(body(taken, rest)), what, taken);
        if (done.status() == 401) {
            return new Progress(put, done);
        }
        if (done.status() != 201) {
            throw refusal(what, done.status(), done.body());
        }
        return new Progress(put, null);
    }

    /**
     * How many bytes of the upload at {@code location} the registry holds (its {@code Range: 0-LAST}),
     * or -1 when it cannot say (the upload is gone, or the answer makes no sense for a blob of {@code size}).
     */
    private long acknowledged(URI location, long size, String what) {
        Answer status = sendBytes(HttpRequest.newBuilder(location).GET(), what + " (its state)", true);
        if (status.status() != 204 && status.status() != 200) {
            return -1;
        }
        String range = status.headers().firstValue("Range").orElse("");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:bytes=)?0-(-?[0-9]{1,18})").matcher(range.strip());
        if (!m.matches()) {
            return -1;
        }
        long held = Long.parseLong(m.group(1)) + 1;
        return held < 0 || held > size ? -1 : held;
    }

    /** The next {@code n} bytes of an upload as a request body (the upload itself is not closed by it). */
    private static HttpRequest.BodyPublisher body(Taken upload, long n) {
        if (n == 0) {
            return HttpRequest.BodyPublishers.noBody();
        }
        InputStream part = new java.io.FilterInputStream(upload) {
            private long left = n;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int r = in.read(b, off, (int) Math.min(len, left));
                if (r > 0) {
                    left -= r;
                }
                return r;
            }

            @Override
            public void close() {
                // the next chunk reads on
            }
        };
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> part), n);
    }

    @Override
    public String putManifest(String tag, String mediaType, byte[] manifest) {
        String what = "manifest " + repository.familiarName() + ":" + tag;
        URI uri = client.endpoint(repository.registry()).resolve(path("manifests/" + tag));
        Answer r = sendBytes(HttpRequest.newBuilder(uri).header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)), what, true);
        if (r.status() != 201) {
            throw refusal(what, r.status(), r.body());
        }
        return Digests.sha256(manifest);
    }

    @Override
    public void close() {
        authorization = null;
    }

    // ---- transport and auth

    private Answer sendBytes(HttpRequest.Builder req, String what, boolean retryOn401) {
        return sendBytes(req, what, retryOn401, null);
    }

    /** An upload's request: sent once, waited on while the registry takes its bytes. */
    private Answer sendBytes(HttpRequest.Builder req, String what, Taken upload) {
        return sendBytes(req, what, false, upload);
    }

    private Answer sendBytes(HttpRequest.Builder req, String what, boolean retryOn401, Taken upload) {
        HttpResponse<InputStream> r = retryOn401 ? send(req, what) : sendOnce(req, what, upload);
        try (InputStream body = r.body()) {
            byte[] bytes = readSome(body);
            return new Answer(r.statusCode(), r.headers(), bytes);
        } catch (IOException e) {
            throw RegistryClient.unreachable(repository.registry(), e);
        }
    }

    /** Sends with auth: on a 401 the challenge is answered and the request sent once more. */
    private HttpResponse<InputStream> send(HttpRequest.Builder req, String what) {
        HttpResponse<InputStream> r = sendOnce(req, what);
        if (r.statusCode() != 401) {
            return r;
        }
        byte[] refused;
        try (InputStream b = r.body()) {
            refused = readSome(b);
        } catch (IOException e) {
            throw RegistryClient.unreachable(repository.registry(), e);
        }
        if (!authenticate(r.headers(), what, false)) {
            throw refusal(what, 401, refused);
        }
        return sendOnce(req, what, null);
    }

    private HttpResponse<InputStream> sendOnce(HttpRequest.Builder req, String what) {
        return sendOnce(req, what, null);
    }

    /**
     * One request (and the redirects of a GET). Its answer must begin within the idle time, or, for an
     * upload, within the idle time after the registry last took some of its bytes; its body is read
     * through {@link IdleTimeoutBody}.
     */
    private HttpResponse<InputStream> sendOnce(HttpRequest.Builder req, String what, Taken upload) {
        String auth = authorization;
        if (auth != null) {
            req.setHeader("Authorization", auth);
        }
        if (upload == null) {
            req.timeout(client.idle());
        }
        req.setHeader("User-Agent", "tally");
        HttpRequest request = req.build();
        RegistryClient.Endpoint e = client.endpoint(repository.registry());
        try {
            HttpResponse<InputStream> r = exchange(e.http(), request, upload);
            for (int i = 0; i < MAX_REDIRECTS && isRedirect(r.statusCode()) && request.method().equals("GET"); i++) {
                String location = r.headers().firstValue("Location").orElse("");
                r.body().close();
                URI next = request.uri().resolve(location);
                HttpRequest.Builder follow = HttpRequest.newBuilder(next).timeout(client.idle())
                        .GET().setHeader("User-Agent", "tally");
                request.headers().firstValue("Range").ifPresent(v -> follow.setHeader("Range", v));
                boolean sameHost = next.getHost() != null && next.getHost().equals(e.base().getHost())
                        && next.getPort() == e.base().getPort() && next.getScheme().equals(e.base().getScheme());
                if (sameHost && auth != null) {
                    follow.setHeader("Authorization", auth);
                }
                if (next.getScheme().equals("http") && !e.base().getScheme().equals("http")) {
                    throw new DomainException(DomainException.Kind.FAILED, what
                            + ": the registry redirected from TLS to plain HTTP; refused");
                }
                request = follow.build();
                r = exchange(e.http(), request, null);
            }
            return r;
        } catch (IOException x) {
            throw RegistryClient.unreachable(repository.registry(), x);
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            throw new DomainException(DomainException.Kind.FAILED, what + ": interrupted");
        }
    }

    private HttpResponse<InputStream> exchange(java.net.http.HttpClient http, HttpRequest request, Taken upload)
            throws IOException, InterruptedException {
        HttpResponse.BodyHandler<InputStream> body = IdleTimeoutBody.handler(client.idle());
        if (upload == null) {
            return http.send(request, body);
        }
        java.util.concurrent.CompletableFuture<HttpResponse<InputStream>> answer = http.sendAsync(request, body);
        long idle = client.idle().toNanos();
        long step = Math.max(10, Math.min(1000, client.idle().toMillis() / 4));
        while (true) {
            try {
                return answer.get(step, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException notYet) {
                if (upload.silentFor() > idle) {
                    answer.cancel(true);
                    throw new java.net.http.HttpTimeoutException("the registry took no bytes and sent no answer for "
                            + IdleTimeoutBody.seconds(idle));
                }
            } catch (java.util.concurrent.ExecutionException failed) {
                Throwable t = failed.getCause();
                throw t instanceof IOException io ? io : new IOException(String.valueOf(t.getMessage()), t);
            }
        }
    }

    /** An upload's bytes, noting when the registry last took some. */
    private static final class Taken extends java.io.FilterInputStream {
        private volatile long last = System.nanoTime();

        Taken(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            last = System.nanoTime();
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            last = System.nanoTime();
            int n = super.read(b, off, len);
            last = System.nanoTime();
            return n;
        }

        long silentFor() {
            return System.nanoTime() - last;
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /**
     * Answers a 401's challenge: sets {@link #authorization} and returns true, or false when there is
     * no challenge we can answer (no credentials for Basic, or an unknown scheme).
     */
    private boolean authenticate(java.net.http.HttpHeaders refused, String what, boolean login) {
        Optional<Challenge> challenge = refused.allValues("WWW-Authenticate").stream()
                .map(Challenge::parse).flatMap(Optional::stream)
                .sorted((a, b) -> a.scheme().equals("bearer") ? -1 : b.scheme().equals("bearer") ? 1 : 0).findFirst();
        if (challenge.isEmpty()) {
            return false;
        }
        Challenge c = challenge.get();
        if (c.scheme().equals("basic")) {
            if (credentials.username().isEmpty()) {
                return false;
            }
            authorization = basic();
            return true;
        }
        authorization = "Bearer " + new TokenRequest(client, repository.registry(), credentials)
                .token(c, login ? List.of() : scopes(), what);
        return true;
    }

    private List<String> scopes() {
        List<String> out = new ArrayList<>();
        out.add("repository:" + repository.repository() + ":" + (push ? "pull,push" : "pull"));
        for (String from : extraPulls) {
            out.add("repository:" + from + ":pull");
        }
        return out;
    }

    private String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((credentials.username() + ":" + credentials.password())
                .getBytes(StandardCharsets.UTF_8));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** At most 64 KiB of a body: enough for any error, never a hostile registry's whole stream. */
    static byte[] readSome(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = in.readNBytes(64 << 10);
        out.write(buf);
        return out.toByteArray();
    }

    String familiarName() {
        return repository.familiarName();
    }

    String registry() {
        return repository.registry();
    }

    @Override
    public String toString() {
        return "session on " + name();
    }
}
