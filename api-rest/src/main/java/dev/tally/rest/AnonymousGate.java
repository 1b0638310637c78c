package dev.tally.rest;

import dev.tally.domain.DomainException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.regex.Pattern;

/**
 * In front of a listener that identifies nobody (plain TCP, tallyd --insecure-tcp): anonymous
 * callers may ping the daemon and read its version, which is what health checks and client
 * version negotiation need; every other request is answered 403 before it reaches a route, so
 * no command is ever issued without a known caller.
 */
final class AnonymousGate implements Handler<HttpServerRequest> {

    private static final Pattern OPEN = Pattern.compile("^(/v[0-9]+\\.[0-9]+)?/(_ping|version)$");

    private final Handler<HttpServerRequest> next;

    AnonymousGate(Handler<HttpServerRequest> next) {
        this.next = next;
    }

    static boolean open(HttpMethod method, String path) {
        return (method == HttpMethod.GET || method == HttpMethod.HEAD) && path != null && OPEN.matcher(path).matches();
    }

    @Override
    public void handle(HttpServerRequest request) {
        if (open(request.method(), request.path())) {
            next.handle(request);
            return;
        }
        ErrorMapper.send(request.response(), new DomainException(DomainException.Kind.DENIED,
                "anonymous callers (plain TCP) may only ping the daemon and read its version: connect with a TLS "
                        + "client certificate (--tlsverify) or over the Unix socket"));
    }
}
