package dev.tally.ops;

import java.nio.file.Path;

/**
 * dockerd's TLS flags: {@code --tlsverify} (mutual TLS: the client must show a certificate from
 * the CA) and the three PEM files. Without paths, dockerd's defaults: ca.pem, cert.pem and key.pem
 * in $DOCKER_CERT_PATH, else in ~/.docker.
 */
record TlsFlags(boolean verify, Path caCert, Path cert, Path key) {

    static TlsFlags of(boolean verify, String caCert, String cert, String key, String certPath, String home) {
        Path dir = certPath != null && !certPath.isBlank() ? Path.of(certPath) : Path.of(home, ".docker");
        return new TlsFlags(verify,
                caCert != null ? Path.of(caCert) : dir.resolve("ca.pem"),
                cert != null ? Path.of(cert) : dir.resolve("cert.pem"),
                key != null ? Path.of(key) : dir.resolve("key.pem"));
    }
}
