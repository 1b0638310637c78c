package dev.tally.runtime.registry;

import dev.tally.domain.DomainException;
import dev.tally.domain.image.registry.Registry;
import dev.tally.domain.image.registry.RegistryCredentials;
import dev.tally.domain.image.registry.RemoteImage;
import dev.tally.domain.image.registry.RemoteReference;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;

/**
 * The OCI distribution protocol over the JDK's {@link HttpClient} (manifests, tokens, uploads), and
 * blob bodies over {@link BlobConnections} (blocking HTTP/1.1 keep-alive connections read straight
 * into the image store's buffers), each with a TLS context per registry (Docker's {@code certs.d}).
 * One client per registry, kept for the daemon's life; HTTP/1.1, so parallel blob fetches are
 * parallel connections.
 */
public final class RegistryClient implements Registry {

    /**
     * The JDK client reads a body into, and sends one from, buffers of {@code jdk.httpclient.bufsize}
     * bytes (16 KiB by default): 6,400 buffers per 100 MiB blob. 256 KiB took about a third of the
     * client's CPU time off a 100 MiB blob here. The property is read once, when the JDK client is
     * first used, and is JVM-wide: in tallyd this client is its only user; an explicit setting wins.
     */
    static {
        if (System.getProperty("jdk.httpclient.bufsize") == null) {
            System.setProperty("jdk.httpclient.bufsize", Integer.toString(256 << 10));
        }
    }

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

    /**
     * Blobs larger than this are uploaded in chunks of this size (PATCH, then a PUT with the digest):
     * some registries and proxies limit the size of one request; smaller blobs go in one PUT.
     */
    static final long CHUNK_BYTES = 128L << 20;

    private final RegistryHosts hosts;
    private final long chunkBytes;
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final BlobConnections blobs;

    public RegistryClient(RegistryHosts hosts) {
        this(hosts, CHUNK_BYTES);
    }

    RegistryClient(RegistryHosts hosts, long chunkBytes) {
        this.hosts = hosts;
        this.chunkBytes = chunkBytes;
        this.blobs = new BlobConnections(hosts.idle(), CONNECT_TIMEOUT);
    }

    /** Where blob bodies are fetched. */
    BlobConnections blobs() {
        return blobs;
    }

    long chunkBytes() {
        return chunkBytes;
    }

    /**
     * Where a registry's API answers and the client that talks to it; {@code tls} is the registry's
     * trust (the system's CAs and its {@code certs.d}), for blob connections and their redirects.
     */
    record Endpoint(String registry, URI base, HttpClient http, javax.net.ssl.SSLContext tls) {
        URI resolve(String path) {
            return base.resolve(path);
        }
    }

    @Override
    public Session open(RemoteReference repository, RegistryCredentials credentials, boolean push) {
        return new RegistrySession(this, repository, credentials, push);
    }

    @Override
    public RemoteImage describe(byte[] manifest, String mediaType) {
        com.fasterxml.jackson.databind.JsonNode json = Manifests.read(manifest, "the image's manifest");
        String type = Manifests.mediaType(json, mediaType);
        if (!Manifests.isImage(type)) {
            throw DomainException.invalid("the image's manifest is of type " + RegistryErrors.printable(type)
                    + ", not an image manifest");
        }
        return new RemoteImage(Digests.sha256(manifest), type, manifest, Manifests.config(json), Manifests.layers(json));
    }

    @Override
    public String login(String registry, RegistryCredentials credentials) {
        RemoteReference none = new RemoteReference(registry, "", "latest", "");
        try (RegistrySession s = new RegistrySession(this, none, credentials, false)) {
            return s.login();
        }
    }

    RegistryHosts hosts() {
        return hosts;
    }

    /** How long a registry may stay silent ({@link RegistryHosts#idle}). */
    Duration idle() {
        return hosts.idle();
    }

    /**
     * The registry's endpoint: https, or, for an insecure registry whose TLS does not answer, http.
     * Decided once per registry by asking {@code /v2/}.
     */
    Endpoint endpoint(String registry) {
        Endpoint known = endpoints.get(registry);
        if (known != null) {
            return known;
        }
        String host = RegistryHosts.apiHost(registry);
        javax.net.ssl.SSLContext trusted = hosts.tls(registry); // made once: it copies the system's CAs
        HttpClient tls = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).sslContext(trusted).build();
        Endpoint https = new Endpoint(registry, URI.create("https://" + host + "/"), tls, trusted);
        Endpoint chosen = https;
        if (hosts.isInsecure(registry) && !speaksTls(registry, host, trusted)) {
            HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
            chosen = new Endpoint(registry, URI.create("http://" + host + "/"), plain, trusted);
        }
        Endpoint raced = endpoints.putIfAbsent(registry, chosen);
        return raced == null ? chosen : raced;
    }

    /** How long an insecure registry's TLS handshake may take before it is taken for plain HTTP. */
    static final int TLS_PROBE_MILLIS = 2_000;

    /**
     * Whether an insecure registry completes a TLS handshake we trust (then it is spoken to over TLS);
     * a refused connection is an error, anything else (a plain HTTP server's answer or silence, an
     * untrusted certificate) means plain HTTP.
     */
    private boolean speaksTls(String registry, String host, javax.net.ssl.SSLContext trusted) {
        int colon = host.lastIndexOf(':');
        String name = colon > host.lastIndexOf(']') && colon > 0 ? host.substring(0, colon) : host;
        int port = colon > host.lastIndexOf(']') && colon > 0 ? Integer.parseInt(host.substring(colon + 1)) : 443;
        try (java.net.Socket raw = new java.net.Socket()) {
            raw.connect(new java.net.InetSocketAddress(name.replace("[", "").replace("]", ""), port), TLS_PROBE_MILLIS);
            raw.setSoTimeout(TLS_PROBE_MILLIS);
            try (javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) trusted.getSocketFactory()
                    .createSocket(raw, name, port, false)) {
                tls.startHandshake();
                return true;
            }
        } catch (ConnectException refused) {
            throw unreachable(registry, refused);
        } catch (IOException notTls) {
            return false;
        }
    }

    static DomainException unreachable(String registry, IOException e) {
        String why = e instanceof SSLException
                ? "its TLS certificate is not trusted or its TLS failed (" + RegistryErrors.printable(String.valueOf(e.getMessage()))
                        + "); put its CA in the certs.d directory as " + registry + "/ca.crt"
                : e instanceof java.net.http.HttpTimeoutException ? "it did not answer in time"
                        + (String.valueOf(e.getMessage()).startsWith("the registry") ? " (" + e.getMessage() + ")" : "")
                : e instanceof ConnectException ? "connection refused"
                : RegistryErrors.printable(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        return new DomainException(DomainException.Kind.FAILED, "cannot reach the registry " + registry + ": " + why, e);
    }
}
