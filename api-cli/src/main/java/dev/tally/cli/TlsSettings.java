package dev.tally.cli;

import dev.tally.cli.http.ClientTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The docker CLI's rules for its TLS files: --tlscacert, --tlscert and --tlskey, each defaulting
 * to ca.pem, cert.pem and key.pem in $DOCKER_CERT_PATH, else in ~/.docker. A default client
 * certificate or key that does not exist is left out (the daemon will then refuse the
 * connection and say that it wants one); a file named on the command line must exist.
 */
final class TlsSettings {

    private TlsSettings() {
    }

    static ClientTls of(String caCert, String cert, String key, Map<String, String> env) {
        String certPath = env.get("DOCKER_CERT_PATH");
        Path dir = certPath != null && !certPath.isEmpty() ? Path.of(certPath)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".docker");
        Path ca = caCert != null ? Path.of(caCert) : dir.resolve("ca.pem");
        Path certFile = cert != null ? Path.of(cert) : existing(dir.resolve("cert.pem"));
        Path keyFile = key != null ? Path.of(key) : existing(dir.resolve("key.pem"));
        if (certFile == null || keyFile == null) {
            if (cert != null || key != null) {
                throw new IllegalArgumentException(cert != null ? "--tlscert needs --tlskey (or key.pem in "
                        + dir + ")" : "--tlskey needs --tlscert (or cert.pem in " + dir + ")");
            }
            return new ClientTls(ca, null, null);
        }
        return new ClientTls(ca, certFile, keyFile);
    }

    private static Path existing(Path file) {
        return Files.exists(file) ? file : null;
    }
}
