package dev.tally.rest;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerConsole;
import dev.tally.domain.container.ContainerUseCases;
import dev.tally.domain.container.ContainerStatus;
import dev.tally.domain.container.query.ContainerQueries;
import dev.tally.domain.container.query.ContainerView;
import dev.tally.domain.image.ImageRemoval;
import dev.tally.domain.image.ImageService;
import dev.tally.domain.image.query.ImageQueries;
import dev.tally.domain.volume.VolumeService;
import dev.tally.domain.volume.query.VolumeQueries;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The Docker Engine API subset that the docker CLI, docker-py and the tally CLI use, served by
 * tallyd. Paths are accepted with and without a {@code /vX.Y} prefix.
 */
public final class DockerApi {

    public static final String API_VERSION = "1.50";
    public static final String MIN_API_VERSION = "1.24";
    /** Where a request's context keeps the API version its path named ("1.41"), if it named one. */
    static final String ASKED_VERSION = "tally.apiVersion";
    private static final Pattern VERSIONED = Pattern.compile("^/v([0-9]+)\\.([0-9]+)(/.*)$");

    /**
     * What the daemon says about itself in /version and /info.
     *
     * @param cgroupVersion "1" or "2", as the host mounts its cgroups
     * @param cgroupDriver  how the runtime places containers' cgroups: "cgroupfs" or "systemd"
     */
    public record DaemonFacts(String version, String dataRoot, String id, String cgroupVersion, String cgroupDriver) {
    }

    /**
     * What the Docker routes call: use cases, which check the caller and record what they do, and
     * queries. The routes reach nothing else of the daemon: no runtime port, no command bus, no event
     * store ({@code /events} is {@link EventRoutes}, added by the daemon with the log's port).
     */
    public record UseCases(ContainerUseCases containers, ContainerConsole console, ContainerQueries containerQueries,
                           ImageService images, ImageQueries imageQueries, VolumeService volumes,
                           VolumeQueries volumeQueries, ImageRemoval imageRemoval) {
    }

    private final Vertx vertx;
    private final UseCases useCases;
    private final DaemonFacts facts;
    private final List<Routes> extraRoutes = new java.util.ArrayList<>();
    private Admission admission = Admission.UNLIMITED;
    private TlsClients tlsClients = TlsClients.NOBODY;
    private UserStreams streams = UserStreams.UNLIMITED;
    private dev.tally.domain.image.ImageDetails imageDetails = dev.tally.domain.image.ImageDetails.NONE;
    private Connections connections;
    private final WorkInFlight work = new WorkInFlight();
    private final java.time.Instant started = java.time.Instant.now();

    /** A group of routes mounted beside the Docker API's own: tally's /tally/v1/..., and Docker routes wired by the daemon. */
    public interface Routes {
        void mount(Router router);
    }

    public DockerApi(Vertx vertx, UseCases useCases, DaemonFacts facts) {
        this.vertx = vertx;
        this.useCases = useCases;
        this.facts = facts;
    }

    /**
     * Holds non-admin users to these limits: requests (429 beyond them, 413 for a larger body),
     * connections (idle ones closed; 429 beyond the count), streams (429); each refusal over a per-user
     * limit is recorded through {@code refusals}. Those that {@code admin} says are admins pass
     * uncounted. Call before listening; without it nobody is limited and no connection times out.
     */
    public DockerApi limit(RequestLimits requests, ConnectionLimits connections, StreamLimits streams,
                           java.util.function.Predicate<Actor> admin, dev.tally.domain.access.LimitRefusals refusals) {
        this.admission = new Admission(requests, admin, refusals);
        this.streams = new UserStreams(streams, admin, refusals);
        this.connections = new Connections(connections, admin, refusals, () -> tlsClients.users());
        return this;
    }

    /**
     * Who client certificates are over TCP with mutual TLS ({@code users}: CN to user name, the
     * policy's {@code tlsUsers}); a verified certificate that is nobody is refused (403) and recorded
     * through {@code access}. Call before listening; without it no certificate is anyone.
     */
    public DockerApi identifyTlsClients(java.util.Map<String, String> users, dev.tally.domain.access.AccessControl access) {
        this.tlsClients = new TlsClients(users, access);
        return this;
    }

    /** Adds routes of tally's own; call before listening. */
    /** Where image inspect and history read what an image's stored config says (none by default). */
    public DockerApi describeImages(dev.tally.domain.image.ImageDetails details) {
        this.imageDetails = details;
        return this;
    }

    public DockerApi add(Routes routes) {
        extraRoutes.add(routes);
        return this;
    }

    /**
     * The first step of an orderly stop: from now on no request is run (each answered 503, its
     * connection closed); the stage completes once the work of the requests under way has ended,
     * with their answers (a stop's wait included). The listeners stay open until Vert.x is closed.
     */
    public CompletionStage<Void> stopTakingWork() {
        return work.close();
    }

    /** How many requests' work is under way (for the daemon's log while it stops). */
    public int workUnderWay() {
        return work.running();
    }

    /** Listens on a Unix socket at {@code path}. */
    public Future<HttpServer> listenUnix(String path) {
        return serve(vertx.createHttpServer(Connections.prepared(new HttpServerOptions())), router())
                .listen(SocketAddress.domainSocketAddress(path));
    }

    /**
     * Listens on TCP with mutual TLS (1.2 or 1.3, HTTP/1.1): the daemon shows the certificate in
     * {@code keys}, and a client must show one issued by a CA in {@code clientCas} or the handshake
     * fails; its subject CN is the caller. Failed handshakes and other connection errors go to
     * {@code failures}.
     */
    public Future<HttpServer> listenTls(String host, int port, KeyManagerFactory keys, TrustManagerFactory clientCas,
                                        Consumer<Throwable> failures) {
        HttpServerOptions options = Connections.prepared(new HttpServerOptions()).setSsl(true)
                .setKeyCertOptions(KeyCertOptions.wrap(keys)).setTrustOptions(TrustOptions.wrap(clientCas))
                .setClientAuth(ClientAuth.REQUIRED).setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
                .setSslHandshakeTimeout(10).setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
        return serve(vertx.createHttpServer(options), router()).exceptionHandler(failures::accept)
                .listen(port, host);
    }

    /**
     * Listens on plain TCP, which identifies nobody: only _ping and version answer, everything else
     * is 403 (see {@link AnonymousGate}). tallyd allows this on loopback addresses only.
     */
    public Future<HttpServer> listenInsecureTcp(String host, int port) {
        return serve(vertx.createHttpServer(Connections.prepared(new HttpServerOptions())), new AnonymousGate(router()))
                .listen(port, host);
    }

    /** Vert.x's own idle timeout stays off: it would cut silent streams; {@link Connections} decides. */
    private HttpServer serve(HttpServer server, io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> requests) {
        return connections == null ? server.requestHandler(requests) : connections.install(server, requests);
    }

    Router router() {
        Router r = Router.router(vertx);
        r.route().handler(this::headersAndVersion);
        r.route().failureHandler(DockerApi::failed);
        r.route(HttpMethod.GET, "/_ping").handler(ctx -> ping(ctx, true));
        r.route(HttpMethod.HEAD, "/_ping").handler(ctx -> ping(ctx, false));
        r.get("/version").handler(ctx -> ctx.json(version()));
        r.get("/info").handler(ctx -> Call.run(ctx, this::info, Call.json(ctx)));
        new ContainerRoutes(useCases).mount(r);
        new ContainerStreams(useCases).mount(r);
        new ExecRoutes(useCases).mount(r);
        new ImageRoutes(useCases, java.nio.file.Path.of(facts.dataRoot(), "tmp"), imageDetails).mount(r);
        new VolumeRoutes(useCases).mount(r);
        new NetworkRoutes(useCases, facts.id(), started).mount(r);
        new ContainerOpsRoutes(useCases).mount(r);
        new ContainerFileRoutes(useCases, java.nio.file.Path.of(facts.dataRoot(), "tmp")).mount(r);
        extraRoutes.forEach(x -> x.mount(r));
        r.route().last().handler(ctx -> ErrorMapper.send(ctx.response(), MissingEndpoints.describe(ctx.request().method(),
                ctx.request().path()).<RuntimeException>map(NotImplemented::new).orElse(DomainException.notFound("page not found"))));
        return r;
    }

    /** A route that threw, or failed with a status alone (Vert.x's own, such as 413), answered in Docker's shape. */
    private static void failed(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() != 500 && !ctx.response().ended()) {
            ctx.response().setStatusCode(ctx.statusCode()).putHeader("Content-Type", "application/json").end(new JsonObject()
                    .put("message", io.netty.handler.codec.http.HttpResponseStatus.valueOf(ctx.statusCode()).reasonPhrase())
                    .encode() + "\n");
            return;
        }
        ErrorMapper.send(ctx.response(), failure == null ? new IllegalStateException("route failed without an exception")
                : failure, Call.request(ctx));
    }

    private void headersAndVersion(RoutingContext ctx) {
        if (work.closed()) {
            ctx.response().putHeader("Connection", "close");
            ErrorMapper.send(ctx.response(), WorkInFlight.stopping());
            return;
        }
        ctx.put(WorkInFlight.KEY, work);
        ctx.put(Admission.KEY, admission);
        ctx.put(TlsClients.KEY, tlsClients);
        ctx.put(UserStreams.KEY, streams);
        ctx.response().putHeader("Api-Version", API_VERSION).putHeader("Ostype", "linux")
                .putHeader("Server", "tally/" + facts.version() + " (linux)");
        Matcher m = VERSIONED.matcher(ctx.request().path());
        if (m.matches()) {
            String asked = m.group(1) + "." + m.group(2);
            if (compare(asked, API_VERSION) > 0) {
                ErrorMapper.send(ctx.response(), DomainException.invalid("client version " + asked
                        + " is too new. Maximum supported API version is " + API_VERSION));
                return;
            }
            if (compare(asked, MIN_API_VERSION) < 0) {
                ErrorMapper.send(ctx.response(), DomainException.invalid("client version " + asked
                        + " is too old. Minimum supported API version is " + MIN_API_VERSION
                        + ", please upgrade your client to a newer version"));
                return;
            }
            ctx.put(ASKED_VERSION, asked);
            String rest = m.group(3);
            String query = ctx.request().query();
            ctx.reroute(ctx.request().method(), query == null ? rest : rest + "?" + query);
            return;
        }
        ctx.next();
    }

    private static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        int major = Integer.compare(Integer.parseInt(x[0]), Integer.parseInt(y[0]));
        return major != 0 ? major : Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
    }

    private void ping(RoutingContext ctx, boolean body) {
        ctx.response().putHeader("Cache-Control", "no-cache, no-store, must-revalidate").putHeader("Pragma", "no-cache")
                .putHeader("Builder-Version", "1").putHeader("Swarm", "inactive")
                .putHeader("Docker-Experimental", "false").putHeader("Content-Type", "text/plain; charset=utf-8");
        if (body) {
            ctx.response().end("OK");
        } else {
            ctx.response().putHeader("Content-Length", "0").end();
        }
    }

    private JsonObject version() {
        String kernel = System.getProperty("os.version");
        JsonObject details = new JsonObject().put("ApiVersion", API_VERSION).put("MinAPIVersion", MIN_API_VERSION)
                .put("Os", "linux").put("Arch", "amd64").put("KernelVersion", kernel);
        return new JsonObject()
                .put("Platform", new JsonObject().put("Name", "tally"))
                .put("Components", new JsonArray().add(new JsonObject().put("Name", "Engine")
                        .put("Version", facts.version()).put("Details", details)))
                .put("Version", facts.version())
                .put("ApiVersion", API_VERSION)
                .put("MinAPIVersion", MIN_API_VERSION)
                .put("GitCommit", "")
                .put("GoVersion", "java" + System.getProperty("java.version"))
                .put("Os", "linux")
                .put("Arch", "amd64")
                .put("KernelVersion", kernel)
                .put("BuildTime", "");
    }

    private JsonObject info(Actor actor) {
        List<ContainerView> all = useCases.containers().visible().list(true, actor);
        long running = all.stream().filter(c -> c.status() == ContainerStatus.RUNNING && !c.paused()).count();
        long paused = all.stream().filter(ContainerView::paused).count();
        return new JsonObject()
                .put("ID", facts.id())
                .put("Containers", all.size())
                .put("ContainersRunning", running)
                .put("ContainersPaused", paused)
                .put("ContainersStopped", all.size() - running - paused)
                .put("Images", useCases.imageQueries().list().size())
                .put("ServerVersion", facts.version())
                .put("Driver", "overlay")
                .put("OSType", "linux")
                .put("OperatingSystem", "tally on Linux")
                .put("Architecture", "x86_64")
                .put("NCPU", Runtime.getRuntime().availableProcessors())
                .put("MemTotal", memTotal())
                .put("KernelVersion", System.getProperty("os.version"))
                .put("DockerRootDir", facts.dataRoot())
                .put("LoggingDriver", DockerJson.LOG_DRIVER)
                .put("CgroupDriver", facts.cgroupDriver())
                .put("CgroupVersion", facts.cgroupVersion())
                .put("DefaultRuntime", "runc")
                .put("Runtimes", new JsonObject().put("runc", new JsonObject().put("path", "runc")))
                .put("Swarm", new JsonObject().put("LocalNodeState", "inactive"))
                .put("Name", hostname())
                .put("Warnings", new JsonArray());
    }

    /** The host's memory in bytes, as dockerd reports it (Testcontainers reads it at start). */
    private static long memTotal() {
        return java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                .getTotalMemorySize();
    }

    private static String hostname() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    /** moby's rule: false only when empty, 0, no, false or none. */
    static boolean flag(RoutingContext ctx, String name) {
        String v = ctx.request().getParam(name);
        return v != null && truthy(v);
    }

    /** moby's rule for a boolean in a query or filter: false only when empty, 0, no, false or none. */
    static boolean truthy(String v) {
        String s = v.toLowerCase();
        return !(s.isEmpty() || s.equals("0") || s.equals("no") || s.equals("false") || s.equals("none"));
    }
}
