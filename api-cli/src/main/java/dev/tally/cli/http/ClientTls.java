package dev.tally.cli.http;

import java.nio.file.Path;

/**
 * What the CLI needs for mutual TLS with the daemon, as the docker CLI takes it: the CA that
 * signed the daemon's certificate (which is also checked against the host name), and this
 * client's certificate and PKCS#8 PEM key, whose CN the daemon records as the user.
 *
 * @param caCert the CA certificate(s), PEM
 * @param cert   the client certificate (chain), PEM; null to present none
 * @param key    the client's private key, PKCS#8 PEM (RSA or EC); null exactly when cert is
 */
public record ClientTls(Path caCert, Path cert, Path key) {

    public ClientTls {
        if (caCert == null) {
            throw new IllegalArgumentException("TLS needs the CA certificate (--tlscacert)");
        }
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException(cert == null ? "--tlskey needs --tlscert" : "--tlscert needs --tlskey");
        }
    }
}
