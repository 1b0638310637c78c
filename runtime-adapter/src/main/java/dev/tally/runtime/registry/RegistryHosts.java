package dev.tally.runtime.registry;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * How each registry is reached, as Docker decides it: over TLS trusting the system's CAs plus the
 * registry's own {@code CERTS_DIR/HOST:PORT/*.crt} (Docker's {@code certs.d} layout); plain HTTP only for
 * a registry named insecure (a {@code host[:port]} or a CIDR such as {@code 127.0.0.0/8}, which is
 * insecure unless the list says otherwise), and even then TLS is tried first.
 *
 * @param certsDir  where {@code HOST:PORT/ca.crt} files are looked up ({@code /etc/tally/certs.d})
 * @param insecure  the registries plain HTTP is allowed for
 * @param idle      how long a registry may stay silent: before it answers a request, in the middle of
 *                  a body, or while it takes none of an upload; then the transfer fails
 */
public record RegistryHosts(Path certsDir, List<String> insecure, java.time.Duration idle) {

    /** Docker's default: loopback registries may be plain HTTP. */
    public static final List<String> DEFAULT_INSECURE = List.of("127.0.0.0/8");
    public static final java.time.Duration DEFAULT_IDLE = java.time.Duration.ofSeconds(30);

    public RegistryHosts {
        insecure = List.copyOf(insecure);
        if (idle == null || idle.isNegative() || idle.isZero()) {
            idle = DEFAULT_IDLE;
        }
    }

    /** With the default idle time. */
    public RegistryHosts(Path certsDir, List<String> insecure) {
        this(certsDir, insecure, DEFAULT_IDLE);
    }

    /** The host the API of a registry answers on: Docker Hub's name is not its API's. */
    static String apiHost(String registry) {
        return registry.equals("docker.io") ? "registry-1.docker.io" : registry;
    }

    /** Whether plain HTTP may be used with this registry. */
    boolean isInsecure(String registry) {
        String host = hostOf(registry);
        for (String entry : insecure) {
            if (entry.equalsIgnoreCase(registry) || entry.equalsIgnoreCase(host)) {
                return true;
            }
            if (entry.contains("/") && inCidr(host, entry)) {
                return true;
            }
        }
        return false;
    }

    static String hostOf(String registry) {
        if (registry.startsWith("[")) {
            return registry.substring(1, registry.indexOf(']'));
        }
        int colon = registry.lastIndexOf(':');
        return colon < 0 ? registry : registry.substring(0, colon);
    }

    private static boolean inCidr(String host, String cidr) {
        try {
            int slash = cidr.indexOf('/');
            byte[] net = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
            int bits = Integer.parseInt(cidr.substring(slash + 1));
            for (InetAddress a : InetAddress.getAllByName(host)) {
                byte[] addr = a.getAddress();
                if (addr.length == net.length && prefixMatches(addr, net, bits)) {
                    return true;
                }
            }
            return false;
        } catch (UnknownHostException | NumberFormatException | StringIndexOutOfBoundsException e) {
            return false;
        }
    }

    private static boolean prefixMatches(byte[] a, byte[] b, int bits) {
        for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
            if ((a[i] & mask) != (b[i] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** TLS trusting the system's CAs and the registry's own from {@code certsDir/REGISTRY/*.crt}. */
    SSLContext tls(String registry) {
        try {
            TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            system.init((KeyStore) null);
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int n = 0;
            for (var tm : system.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate c : x.getAcceptedIssuers()) {
                        trusted.setCertificateEntry("system-" + n++, c);
                    }
                }
            }
            for (Certificate c : ownCas(registry)) {
                trusted.setCertificateEntry("registry-" + n++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw DomainException.failed("trust the certificates for " + registry, e);
        }
    }

    private List<Certificate> ownCas(String registry) throws IOException, GeneralSecurityException {
        List<Certificate> out = new ArrayList<>();
        if (certsDir == null) {
            return out;
        }
        Path dir = certsDir.resolve(registry.replace('/', '_'));
        if (!Files.isDirectory(dir)) {
            return out;
        }
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.crt")) {
            for (Path f : files) {
                try (InputStream in = Files.newInputStream(f)) {
                    out.addAll(x509.generateCertificates(in));
                }
            }
        }
        return out;
    }
}
