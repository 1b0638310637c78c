package dev.tally.runtime.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.domain.DomainException;
import dev.tally.domain.image.registry.RegistryCredentials;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The Bearer token flow: a GET of the challenge's realm with its service and our scopes, with the
 * credentials as Basic when there are some (an identity token is exchanged by a POST as OAuth2's
 * refresh token instead). Credentials go to a plain HTTP realm only when that host is insecure.
 */
final class TokenRequest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryClient client;
    private final String registry;
    private final RegistryCredentials credentials;

    TokenRequest(RegistryClient client, String registry, RegistryCredentials credentials) {
        this.client = client;
        this.registry = registry;
        this.credentials = credentials;
    }

    String token(Challenge challenge, List<String> scopes, String what) {
        String realm = challenge.param("realm");
        URI uri;
        try {
            uri = URI.create(realm);
        } catch (IllegalArgumentException e) {
            throw new DomainException(DomainException.Kind.FAILED, what + ": the registry names no usable token realm");
        }
        if (uri.getScheme() == null || uri.getHost() == null
                || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
            throw new DomainException(DomainException.Kind.FAILED, what + ": the registry names no usable token realm");
        }
        String realmHost = uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        if (uri.getScheme().equals("http") && credentials.present() && !client.hosts().isInsecure(realmHost)) {
            throw new DomainException(DomainException.Kind.DENIED, what + ": the registry's token server " + realmHost
                    + " is plain HTTP; credentials are sent to it only when it is an insecure registry");
        }
        StringBuilder query = new StringBuilder();
        if (!challenge.param("service").isEmpty()) {
            query.append("service=").append(RegistrySession.enc(challenge.param("service")));
        }
        for (String scope : scopes) {
            query.append(query.length() == 0 ? "" : "&").append("scope=").append(RegistrySession.enc(scope));
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(RegistryClient.CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(client.hosts().tls(realmHost)).build();
        HttpRequest.Builder req;
        if (!credentials.identityToken().isEmpty()) {
            String form = "grant_type=refresh_token&client_id=tally&refresh_token="
                    + RegistrySession.enc(credentials.identityToken()) + (query.length() == 0 ? "" : "&" + query);
            req = HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form));
        } else {
            String sep = uri.getRawQuery() == null ? "?" : "&";
            req = HttpRequest.newBuilder(query.length() == 0 ? uri : URI.create(realm + sep + query)).GET();
            if (!credentials.username().isEmpty()) {
                req.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (credentials.username() + ":" + credentials.password()).getBytes(StandardCharsets.UTF_8)));
            }
        }
        try {
            HttpResponse<java.io.InputStream> answer = http.send(req.timeout(client.idle()).header("User-Agent", "tally")
                    .build(), IdleTimeoutBody.handler(client.idle()));
            byte[] bytes;
            try (java.io.InputStream in = answer.body()) {
                bytes = RegistrySession.readSome(in);
            }
            int status = answer.statusCode();
            if (status == 401 || status == 403) {
                throw new DomainException(DomainException.Kind.DENIED, what + ": the registry's token server refused: "
                        + (credentials.present() ? "incorrect username or password" : "authentication required"));
            }
            if (status != 200) {
                throw new DomainException(DomainException.Kind.FAILED, what + ": the registry's token server answered "
                        + status);
            }
            JsonNode body = JSON.readTree(bytes);
            String token = body.path("token").asText("");
            if (token.isEmpty()) {
                token = body.path("access_token").asText("");
            }
            if (token.isEmpty() || token.chars().anyMatch(ch -> ch < 0x21 || ch > 0x7e)) {
                throw new DomainException(DomainException.Kind.FAILED, what + ": the registry's token server gave no token");
            }
            return token;
        } catch (IOException e) {
            throw RegistryClient.unreachable(realmHost, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DomainException(DomainException.Kind.FAILED, what + ": interrupted");
        }
    }
}
