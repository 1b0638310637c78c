package dev.tally.ops;

import dev.tally.runtime.registry.RegistryHosts;
import dev.tally.store.Store;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * tallyd's flags, named after dockerd's. TCP is served only with mutual TLS ({@code --tlsverify});
 * plain TCP only on loopback addresses with an explicit {@code --insecure-tcp}.
 */
record DaemonOptions(Path dataRoot, Path execRoot, List<String> hosts, String group, String store, TlsFlags tls,
                     boolean insecureTcp, Path policy, Path seccompProfile, DaemonLimits limits,
                     RegistryHosts registries) {

    private static final List<String> VALUE_FLAGS = List.of("--data-root", "--exec-root", "-H", "--host", "-G",
            "--group", "--store", "--tlscacert", "--tlscert", "--tlskey", "--policy", "--seccomp-profile", "--limit",
            "--insecure-registry", "--registry-certs", "--registry-timeout");
    private static final List<String> BOOLEAN_FLAGS = List.of("--tlsverify", "--insecure-tcp");
    private static final String USAGE = "flags: --data-root DIR, --exec-root DIR, -H unix://PATH|tcp://HOST:PORT, "
            + "--group NAME, --store JDBC_URL, --policy FILE, --seccomp-profile FILE, --limit NAME=VALUE, --insecure-registry HOST[:PORT]|CIDR|none, --registry-certs DIR, --registry-timeout SECONDS, --tlsverify, --tlscacert FILE, --tlscert FILE, --tlskey FILE, --insecure-tcp";

    static DaemonOptions parse(String[] args) {
        return parse(args, System.getenv(), System.getProperty("user.home"));
    }

    static DaemonOptions parse(String[] args, Map<String, String> env, String home) {
        Path dataRoot = Path.of("/var/lib/tally");
        Path execRoot = Path.of("/run/tally");
        List<String> hosts = new ArrayList<>();
        String group = "tally";
        String store = null;
        Path policy = Path.of("/etc/tally/policy.json");
        // Debian's copy of the default profile (package golang-github-containers-common), as dockerd's flag
        Path seccompProfile = Path.of("/usr/share/containers/seccomp.json");
        boolean tlsVerify = false;
        boolean insecureTcp = false;
        String caCert = null;
        String cert = null;
        String key = null;
        List<String> limits = new ArrayList<>();
        // Docker's daemon.json "insecure-registries" and /etc/docker/certs.d; loopback is insecure unless named "none"
        List<String> insecure = new ArrayList<>();
        Path registryCerts = Path.of("/etc/tally/certs.d");
        java.time.Duration registryTimeout = RegistryHosts.DEFAULT_IDLE;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : null;
            String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (flag.equals("--tls")) {
                throw new IllegalArgumentException("--tls without --tlsverify is not served: tally takes TCP only "
                        + "with mutual TLS (--tlsverify --tlscacert FILE --tlscert FILE --tlskey FILE)");
            }
            if (BOOLEAN_FLAGS.contains(flag)) {
                boolean on = booleanValue(a, value);
                if (flag.equals("--tlsverify")) {
                    tlsVerify = on;
                } else {
                    insecureTcp = on;
                }
                continue;
            }
            if (!VALUE_FLAGS.contains(flag)) {
                throw new IllegalArgumentException("unknown flag: " + a + " (" + USAGE + ")");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("flag needs an argument: " + a);
                }
                value = args[++i];
            }
            switch (flag) {
                case "--data-root" -> dataRoot = Path.of(value);
                case "--exec-root" -> execRoot = Path.of(value);
                case "-H", "--host" -> hosts.add(value);
                case "-G", "--group" -> group = value;
                case "--policy" -> policy = Path.of(value);
                case "--seccomp-profile" -> seccompProfile = Path.of(value);
                case "--tlscacert" -> caCert = value;
                case "--tlscert" -> cert = value;
                case "--tlskey" -> key = value;
                case "--limit" -> limits.add(value);
                case "--insecure-registry" -> insecure.add(value);
                case "--registry-certs" -> registryCerts = Path.of(value);
                case "--registry-timeout" -> registryTimeout = seconds(flag, value);
                default -> store = value;
            }
        }
        if (hosts.isEmpty()) {
            hosts.add("unix://" + execRoot.resolve("tally.sock"));
        }
        TlsFlags tls = TlsFlags.of(tlsVerify, caCert, cert, key, env.get("DOCKER_CERT_PATH"), home);
        checkHosts(hosts, tls, insecureTcp);
        if (store == null) {
            store = Store.h2File(dataRoot.resolve("events/tally").toAbsolutePath());
        }
        return new DaemonOptions(dataRoot.toAbsolutePath(), execRoot.toAbsolutePath(), hosts, group, store, tls,
                insecureTcp, policy, seccompProfile.toAbsolutePath(), DaemonLimits.parse(limits),
                new RegistryHosts(registryCerts.toAbsolutePath(), insecureRegistries(insecure), registryTimeout));
    }

    /** A positive number of seconds (a fraction allowed). */
    private static java.time.Duration seconds(String flag, String value) {
        try {
            double s = Double.parseDouble(value);
            if (s > 0 && s <= 86_400) {
                return java.time.Duration.ofMillis(Math.max(1, Math.round(s * 1000)));
            }
        } catch (NumberFormatException notANumber) {
            // said below
        }
        throw new IllegalArgumentException(flag + " needs a number of seconds between 0 and 86400, not " + value);
    }

    /** Docker's default (loopback) plus those named; {@code none} alone: not even loopback. */
    private static List<String> insecureRegistries(List<String> named) {
        if (named.equals(List.of("none"))) {
            return List.of();
        }
        List<String> all = new ArrayList<>(RegistryHosts.DEFAULT_INSECURE);
        all.addAll(named);
        return all;
    }

    /** The tcp:// hosts, parsed. */
    List<TcpAddress> tcpHosts() {
        return hosts.stream().filter(h -> h.startsWith("tcp://")).map(h -> TcpAddress.parse(h, tls.verify())).toList();
    }

    /** The unix:// hosts' socket paths. */
    List<Path> unixSockets() {
        return hosts.stream().filter(h -> h.startsWith("unix://")).map(h -> Path.of(h.substring("unix://".length())))
                .toList();
    }

    private static void checkHosts(List<String> hosts, TlsFlags tls, boolean insecureTcp) {
        List<TcpAddress> tcp = new ArrayList<>();
        for (String h : hosts) {
            if (h.startsWith("tcp://")) {
                tcp.add(TcpAddress.parse(h, tls.verify()));
            } else if (!h.startsWith("unix://") || h.length() == "unix://".length()) {
                throw new IllegalArgumentException("unsupported host " + h + ": expected unix:///PATH or tcp://HOST:PORT");
            }
        }
        if (insecureTcp && tls.verify()) {
            throw new IllegalArgumentException("--insecure-tcp and --tlsverify exclude each other: TCP is either "
                    + "mutual TLS or, on loopback only, plain");
        }
        if (insecureTcp && tcp.isEmpty()) {
            throw new IllegalArgumentException("--insecure-tcp needs a loopback TCP host, e.g. -H tcp://127.0.0.1:2375");
        }
        for (TcpAddress address : tcp) {
            if (insecureTcp && !address.isLoopback()) {
                throw new IllegalArgumentException("--insecure-tcp serves loopback addresses only, not " + address
                        + ": use --tlsverify with --tlscacert, --tlscert and --tlskey");
            }
            if (!insecureTcp && !tls.verify()) {
                throw new IllegalArgumentException("refusing plain TCP on " + address + ": serve it with mutual TLS "
                        + "(--tlsverify --tlscacert FILE --tlscert FILE --tlskey FILE), or, on a loopback address "
                        + "only, pass --insecure-tcp");
            }
        }
    }

    private static boolean booleanValue(String arg, String value) {
        if (value == null || value.equalsIgnoreCase("true") || value.equals("1")) {
            return true;
        }
        if (value.equalsIgnoreCase("false") || value.equals("0")) {
            return false;
        }
        throw new IllegalArgumentException("not a boolean: " + arg + " (true or false)");
    }
}
