package dev.tally.ops;

import dev.tally.rest.DaemonLog;
import dev.tally.rest.DockerApi;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;

/**
 * The daemon's TCP listeners: mutual TLS with {@code --tlsverify}, or, with {@code --insecure-tcp}
 * on loopback only (DaemonOptions checked that), plain TCP that identifies nobody, announced
 * with a warning in the log.
 */
final class TcpListeners {

    private TcpListeners() {
    }

    /** The TLS material, loaded and checked before anything else starts; null when no TCP host needs it. */
    static ServerTls loadTls(DaemonOptions options) {
        if (options.tcpHosts().isEmpty() || !options.tls().verify()) {
            return null;
        }
        ServerTls tls = ServerTls.load(options.tls());
        String warning = tls.validityWarning(Instant.now());
        if (warning != null) {
            System.err.println("tallyd: WARNING: " + warning + ": TLS clients will refuse it");
        }
        return tls;
    }

    /** @param tlsUsers the policy's client certificate CNs and their users, to warn when there are none */
    static void start(DaemonOptions options, ServerTls tls, java.util.Map<String, String> tlsUsers, DockerApi api)
            throws InterruptedException {
        for (TcpAddress address : options.tcpHosts()) {
            if (tls != null) {
                AtomicReference<String> where = new AtomicReference<>(address.toString());
                HttpServer server = await(address, api.listenTls(address.host(), address.port(), tls.keys(),
                        tls.clientCas(), failure -> logFailure(where.get(), failure)));
                where.set(address.withPort(server.actualPort()));
                System.out.println("tallyd " + Tallyd.VERSION + ": listening on " + address.withPort(server.actualPort())
                        + " (mutual TLS: clients need a certificate from " + tls.cas().get(0).getSubjectX500Principal()
                        .getName() + "; the policy's tlsUsers maps its CN to the user)");
                if (tlsUsers.isEmpty()) {
                    System.err.println("tallyd: WARNING: the policy (" + options.policy() + ") maps no client certificate"
                            + " to a user (tlsUsers): every request over TLS but _ping and version is refused");
                }
            } else {
                System.err.println("tallyd: WARNING: --insecure-tcp: plain TCP on " + address + " identifies nobody; "
                        + "it answers only _ping and version, every other request is refused (403). Serve remote "
                        + "clients with --tlsverify.");
                HttpServer server = await(address, api.listenInsecureTcp(address.host(), address.port()));
                System.out.println("tallyd " + Tallyd.VERSION + ": listening on " + address.withPort(server.actualPort())
                        + " (plain TCP, INSECURE, anonymous callers may only ping)");
            }
        }
    }

    private static HttpServer await(TcpAddress address, Future<HttpServer> listening) throws InterruptedException {
        try {
            return listening.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("cannot listen on " + address + ": " + cause.getMessage());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot listen on " + address + ": no answer in 10 s");
        }
    }

    /**
     * One line per refused handshake or broken connection, with the reason (Vert.x reports these
     * without the peer's address). Requests that got through are in the event log with their source.
     */
    private static void logFailure(String where, Throwable failure) {
        String reason = failure.getClass().getSimpleName().equals("NotSslRecordException")
                ? "not TLS (plain HTTP?)" : failure.getMessage();
        String what = failure instanceof SSLException ? "TLS handshake refused" : "connection error";
        DaemonLog.line(where + ": " + what + ": " + reason);
    }
}
