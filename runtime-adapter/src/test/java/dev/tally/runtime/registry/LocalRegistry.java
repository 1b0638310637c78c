package dev.tally.runtime.registry;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code docker-registry} (the reference distribution server, 2.8) on 127.0.0.1, on a free
 * port, with its own config and storage in a temp directory: plain, with htpasswd auth, with a
 * {@link TokenServer} (Bearer), and with TLS from a test CA ({@link #caCert()}). Stopped and deleted
 * by {@link #close()}.
 */
public final class LocalRegistry implements AutoCloseable {

    /** How it is set up. */
    public static final class Options {
        String user;
        String password;
        boolean token;
        boolean tls;

        /** htpasswd (Basic) auth with one user; with {@link #token()} the token server's user instead. */
        public Options basic(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        /** Bearer tokens from a {@link TokenServer} that knows the {@link #basic} user. */
        public Options token() {
            this.token = true;
            return this;
        }

        /** TLS with a certificate from a test CA for 127.0.0.1 and localhost. */
        public Options tls() {
            this.tls = true;
            return this;
        }

        public LocalRegistry start() throws IOException {
            return new LocalRegistry(this);
        }
    }

    public static Options options() {
        return new Options();
    }

    public static LocalRegistry plain() throws IOException {
        return options().start();
    }

    /** Starts on another free port when the one asked for was taken before the registry bound it, at most. */
    private static final int STARTS = 5;

    private final Path dir;
    private int port;
    private Process process;
    private final TokenServer tokens;
    private final boolean tls;

    private LocalRegistry(Options o) throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "tally-registry");
        tls = o.tls;
        StringBuilder config = new StringBuilder("""
                version: 0.1
                log:
                  level: warn
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%s
                  secret: tally-test-secret
                """.formatted(dir.resolve("data"), PORT));
        if (o.tls) {
            makeCerts();
            config.append("  tls:\n    certificate: ").append(dir.resolve("server-cert.pem"))
                    .append("\n    key: ").append(dir.resolve("server-key.pem")).append('\n');
        }
        if (o.token) {
            tokens = new TokenServer(dir, o.user, o.password);
            config.append("auth:\n  token:\n    realm: ").append(tokens.realm())
                    .append("\n    service: ").append(TokenServer.SERVICE)
                    .append("\n    issuer: ").append(TokenServer.ISSUER)
                    .append("\n    rootcertbundle: ").append(tokens.certificate()).append('\n');
        } else {
            tokens = null;
            if (o.user != null) {
                run(List.of("htpasswd", "-Bbc", dir.resolve("htpasswd").toString(), o.user, o.password));
                config.append("auth:\n  htpasswd:\n    realm: tally-test\n    path: ").append(dir.resolve("htpasswd"))
                        .append('\n');
            }
        }
        // The port is free when asked for but bound by the registry only later: another process may take it
        // meanwhile (a busy host's outgoing connections draw from the same range), and the registry then stops
        // on "address already in use": it is started again on another.
        for (int start = 1; ; start++) {
            port = freePort();
            if (tls) {
                trustedInCertsDir();
            }
            Files.writeString(dir.resolve("config.yml"), config.toString().replace(PORT, Integer.toString(port)));
            process = new ProcessBuilder("docker-registry", "serve", dir.resolve("config.yml").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
            if (answers()) {
                return;
            }
            String log = Files.readString(dir.resolve("registry.log"));
            if (!log.contains("address already in use") || start == STARTS) {
                throw new IllegalStateException("docker-registry stopped: " + log);
            }
        }
    }

    /** Whether the registry answers (within 30 s); false when it stopped before it did. */
    private boolean answers() throws IOException {
        HttpClient probe = HttpClient.newBuilder().sslContext(new RegistryHosts(certsDir(), List.of()).tls(host())).build();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                return true;
            }
            try {
                int status = probe.send(HttpRequest.newBuilder(URI.create(url() + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                return status == 200 || status == 401;
            } catch (IOException notYet) {
                return false;
            }
        });
        return process.isAlive();
    }

    /** {@code 127.0.0.1:PORT}: the registry part of its image names. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public String url() {
        return (tls ? "https://" : "http://") + host();
    }

    /** A certs.d directory ({@code DIR/127.0.0.1:PORT/ca.crt}) that trusts this registry's CA; empty when plain. */
    public Path certsDir() {
        return dir.resolve("certs.d");
    }

    public Path caCert() {
        return dir.resolve("ca.pem");
    }

    public Path root() {
        return dir;
    }

    /** The registry's own log. */
    public String log() throws IOException {
        return Files.readString(dir.resolve("registry.log"));
    }

    /** The token server's log of what it was asked, or empty. */
    public List<String> tokenRequests() {
        return tokens == null ? List.of() : tokens.requests();
    }

    /**
     * Pushes an OCI layout's image here with skopeo, as {@code repository:tag}, with these credentials
     * (user:password) or none.
     */
    public void push(TestImages.Made image, String repository, String creds) {
        push(image.layout(), image.tag(), repository, creds);
    }

    /** Pushes an index and every image it names (skopeo's {@code --all}). */
    public void push(TestImages.MadeIndex index, String repository, String creds) {
        push(index.layout(), index.tag(), repository, creds);
    }

    private void push(Path layout, String tag, String repository, String creds) {
        List<String> cmd = new ArrayList<>(List.of("skopeo", "copy", "--quiet", "--all"));
        if (tls) {
            cmd.add("--dest-cert-dir=" + certsDir().resolve(host()));
        } else {
            cmd.add("--dest-tls-verify=false");
        }
        if (creds != null) {
            cmd.add("--dest-creds=" + creds);
        }
        cmd.add("oci:" + layout + ":" + tag);
        cmd.add("docker://" + host() + "/" + repository + ":" + tag);
        run(cmd);
    }

    /** skopeo's inspect of an image here (its JSON), or a failure with skopeo's output. */
    public String inspect(String repositoryAndTag, String creds) {
        List<String> cmd = new ArrayList<>(List.of("skopeo", "inspect", "--raw"));
        cmd.add(tls ? "--cert-dir=" + certsDir().resolve(host()) : "--tls-verify=false");
        if (creds != null) {
            cmd.add("--creds=" + creds);
        }
        cmd.add("docker://" + host() + "/" + repositoryAndTag);
        return run(cmd);
    }

    private void makeCerts() {
        String d = dir.toString();
        run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", d + "/ca-key.pem", "-out", d + "/ca.pem", "-days", "2", "-subj", "/CN=tally test registry CA"));
        run(List.of("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", d + "/server-key.pem", "-out", d + "/server.csr", "-subj", "/CN=127.0.0.1"));
        try {
            Files.writeString(dir.resolve("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                    + "extendedKeyUsage=serverAuth\n");
            run(List.of("openssl", "x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.pem", "-CAkey",
                    d + "/ca-key.pem", "-CAcreateserial", "-out", d + "/server-cert.pem", "-days", "2",
                    "-extfile", d + "/ext.cnf"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The test CA in {@link #certsDir()} for this port's host. */
    private void trustedInCertsDir() throws IOException {
        Path own = Files.createDirectories(certsDir().resolve(host()));
        Files.copy(dir.resolve("ca.pem"), own.resolve("ca.crt"));
    }

    static String run(List<String> cmd) {
        try {
            Path out = Files.createTempFile("tally-registry", ".out");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(new File("/dev/null"))
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + cmd);
            }
            String text = Files.readString(out);
            Files.delete(out);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(cmd.get(0) + " failed (" + p.exitValue() + "): " + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + cmd + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static final String PORT = "{port}";

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        if (tokens != null) {
            tokens.close();
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        run(List.of("rm", "-rf", dir.toString()));
    }
}
