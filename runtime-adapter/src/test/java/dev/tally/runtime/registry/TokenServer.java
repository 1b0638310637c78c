package dev.tally.runtime.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A token server for the registry's Bearer flow, written for the tests: {@code GET /token?service=…&scope=…}
 * with Basic credentials of its one user gets a JWT (RS256, its certificate in {@code x5c}) granting
 * the scopes asked; wrong credentials get a 401; no credentials get a token that grants nothing.
 */
final class TokenServer implements AutoCloseable {

    static final String SERVICE = "tally-test-registry";
    static final String ISSUER = "tally-test-tokens";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private final HttpServer server;
    private final String user;
    private final String password;
    private final PrivateKey key;
    private final X509Certificate cert;
    private final Path certFile;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    TokenServer(Path dir, String user, String password) throws IOException {
        this.user = user;
        this.password = password;
        Path keyFile = dir.resolve("token-key.pem");
        certFile = dir.resolve("token-cert.pem");
        LocalRegistry.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile.toString(),
                "-out", certFile.toString(), "-days", "2", "-subj", "/CN=tally test tokens"));
        try {
            String pem = Files.readString(keyFile).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            try (var in = Files.newInputStream(certFile)) {
                cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("token key", e);
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/token", this::token);
        server.start();
    }

    String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    Path certificate() {
        return certFile;
    }

    /** Each request as "user scope scope …" (anonymous: "-"); never a password. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    private void token(HttpExchange x) throws IOException {
        try (x) {
            String auth = x.getRequestHeaders().getFirst("Authorization");
            String who = "";
            if (auth != null && auth.startsWith("Basic ")) {
                String pair = new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8);
                if (!pair.equals(user + ":" + password)) {
                    requests.add("refused");
                    reply(x, 401, "{\"details\":\"incorrect username or password\"}");
                    return;
                }
                who = user;
            }
            List<String> scopes = new ArrayList<>();
            String query = x.getRequestURI().getRawQuery();
            if (query != null) {
                for (String kv : query.split("&")) {
                    if (kv.startsWith("scope=")) {
                        scopes.add(URLDecoder.decode(kv.substring(6), StandardCharsets.UTF_8));
                    }
                }
            }
            requests.add((who.isEmpty() ? "-" : who) + " " + String.join(" ", scopes));
            ObjectNode claims = JSON.createObjectNode();
            long now = Instant.now().getEpochSecond();
            claims.put("iss", ISSUER).put("sub", who).put("aud", SERVICE).put("exp", now + 300).put("nbf", now - 10)
                    .put("iat", now).put("jti", UUID.randomUUID().toString());
            ArrayNode access = claims.putArray("access");
            if (!who.isEmpty()) {
                for (String scope : scopes) {
                    String[] p = scope.split(":");
                    if (p.length == 3) {
                        ObjectNode a = access.addObject().put("type", p[0]).put("name", p[1]);
                        ArrayNode actions = a.putArray("actions");
                        for (String action : p[2].split(",")) {
                            actions.add(action);
                        }
                    }
                }
            }
            ObjectNode header = JSON.createObjectNode().put("typ", "JWT").put("alg", "RS256");
            header.putArray("x5c").add(Base64.getEncoder().encodeToString(cert.getEncoded()));
            String signed = URL.encodeToString(JSON.writeValueAsBytes(header)) + "."
                    + URL.encodeToString(JSON.writeValueAsBytes(claims));
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update(signed.getBytes(StandardCharsets.US_ASCII));
            String jwt = signed + "." + URL.encodeToString(rs256.sign());
            reply(x, 200, JSON.writeValueAsString(JSON.createObjectNode().put("token", jwt).put("expires_in", 300)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("sign a token", e);
        }
    }

    private static void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
