package dev.tally.rest;

import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Docker Engine API endpoints tallyd does not serve (yet), so that a client calling one is told
 * what is missing (501, {@code docker pause is not implemented by tally yet: POST /containers/{id}/pause})
 * rather than {@code page not found}. Consulted only when no route matched: an endpoint that gains a
 * route is answered by it, and its row here is then dead (remove it with the route's commit). Only
 * endpoints no client probes: a 404 that a client reads as "no such object" stays a 404.
 */
final class MissingEndpoints {

    private record Endpoint(HttpMethod method, Pattern path, String name) {
    }

    private static final List<Endpoint> DOCKER = List.of(
            row("GET", "/containers/[^/]+/attach/ws", "/containers/{id}/attach/ws"),
            row("POST", "/build", "/build"),
            row("GET", "/images/search", "/images/search"),
            row("GET", "/distribution/.+/json", "/distribution/{name}/json"),
            row("POST", "/session", "/session"),
            row("PUT", "/volumes/[^/]+", "/volumes/{name}"));
    // Not here: /plugins and swarm mode's endpoints. `docker inspect NAME` asks for a plugin of that
    // name, and takes a 404 as "not a plugin"; a 501 would end it with an error.

    private MissingEndpoints() {
    }

    private static Endpoint row(String method, String path, String name) {
        return new Endpoint(method == null ? null : HttpMethod.valueOf(method), Pattern.compile(path), name);
    }

    /** What is missing, as a 501's message; empty when Docker's API has no such endpoint either. */
    static Optional<String> describe(HttpMethod method, String path) {
        return DOCKER.stream().filter(e -> (e.method() == null || e.method().equals(method)) && e.path().matcher(path).matches())
                .findFirst().map(e -> (e.method() == null ? "" : e.method().name() + " ") + e.name()
                        + " is not implemented by tally yet");
    }
}
