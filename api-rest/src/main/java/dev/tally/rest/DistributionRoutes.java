package dev.tally.rest;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.image.ImageDistribution;
import dev.tally.domain.image.registry.RegistryCredentials;
import dev.tally.rest.body.AuthBody;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Images to and from registries: {@code POST /images/create?fromImage=&tag=&platform=} (a pull) and
 * {@code POST /images/NAME/push?tag=} (a push), each with Docker's JSON progress, and {@code POST /auth} (a login checked against the registry). Credentials
 * come in the {@code X-Registry-Auth} header or the body and go nowhere but to the registry.
 */
public final class DistributionRoutes implements DockerApi.Routes {

    private final ImageDistribution distribution;

    public DistributionRoutes(ImageDistribution distribution) {
        this.distribution = distribution;
    }

    @Override
    public void mount(Router r) {
        r.post("/images/create").handler(this::pull);
        r.post("/auth").handler(this::login);
        r.routeWithRegex(io.vertx.core.http.HttpMethod.POST, "^/images/(?<name>.+)/push$").handler(this::push);
    }

    private void push(RoutingContext ctx) {
        String image = ctx.pathParam("name");
        String tag = ctx.request().getParam("tag", "");
        String name = tag.isEmpty() ? image : image + ":" + tag;
        streamed(ctx, (credentials, caller, progress) -> {
            ImageDistribution.Pushed pushed = distribution.push(name, credentials, caller, progress);
            progress.status("", pushed.tag() + ": digest: " + pushed.manifestDigest() + " size: " + pushed.size());
            progress.aux(new JsonObject().put("Tag", pushed.tag()).put("Digest", pushed.manifestDigest())
                    .put("Size", pushed.size()));
        });
    }

    private void pull(RoutingContext ctx) {
        String fromImage = ctx.request().getParam("fromImage", "");
        String tag = ctx.request().getParam("tag", "");
        String platform = ctx.request().getParam("platform", "");
        if (fromImage.isEmpty()) {
            ErrorMapper.send(ctx.response(), DomainException.invalid("a pull needs fromImage= (or fromSrc= for an import)"));
            return;
        }
        String name = tag.isEmpty() ? fromImage
                : tag.startsWith("sha256:") ? fromImage + "@" + tag : fromImage + ":" + tag;
        streamed(ctx, (credentials, caller, progress) -> {
            ImageDistribution.Pulled pulled = distribution.pull(name, platform, credentials, caller, progress);
            progress.status("", pulled.upToDate() ? "Status: Image is up to date for " + pulled.reference()
                    : "Status: Downloaded newer image for " + pulled.reference());
        });
    }

    /** A pull or a push: its credentials from the header, then its work with Docker's JSON progress. */
    private interface Transfer {
        void run(RegistryCredentials credentials, Actor caller, JsonProgress progress);
    }

    /**
     * Runs a transfer as Docker answers one: a failure before any progress is an error status; after
     * it, the stream's last line (the status is sent already).
     */
    private static void streamed(RoutingContext ctx, Transfer transfer) {
        RegistryCredentials credentials;
        try {
            credentials = RegistryAuthHeader.parse(ctx.request().getHeader("X-Registry-Auth"));
        } catch (DomainException e) {
            ErrorMapper.send(ctx.response(), e);
            return;
        }
        JsonProgress progress = new JsonProgress(ctx.response());
        Call.run(ctx, caller -> {
            try {
                transfer.run(credentials, caller, progress);
            } catch (DomainException e) {
                if (!progress.started()) {
                    throw e;
                }
                progress.error(e.getMessage());
            }
            return progress;
        }, JsonProgress::end);
    }

    private void login(RoutingContext ctx) {
        Call.withBody(ctx, AuthBody.class, (caller, body) -> {
            JsonObject auth = new JsonObject().put("username", body.username()).put("password", body.password())
                    .put("auth", body.auth()).put("identitytoken", body.identitytoken());
            RegistryCredentials credentials = RegistryAuthHeader.credentials(auth);
            String token = distribution.login(body.serveraddress() == null ? "" : body.serveraddress(), credentials, caller);
            JsonObject answer = new JsonObject().put("Status", "Login Succeeded");
            if (!token.isEmpty()) {
                answer.put("IdentityToken", token);
            }
            return answer;
        }, Call.json(ctx));
    }
}
