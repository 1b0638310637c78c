package dev.tally.cli.http;

import java.io.IOException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * TLS with the daemon failed: the handshake, or the daemon refused this client's certificate
 * (which TLS 1.3 reports only at the first read). The message is the complete sentence for the user.
 */
public final class DaemonTlsException extends IOException {

    private static final long serialVersionUID = 1L;

    DaemonTlsException(String address, String reason) {
        super("TLS with the tally daemon at " + address + " failed: " + reason);
    }

    /** The daemon refused this client (an alert, or a hang-up during or right after the handshake). */
    static String refusedCertificate(ClientTls tls, String alert) {
        if (tls.cert() == null) {
            return "the daemon requires a client certificate: give --tlscert and --tlskey (or cert.pem and key.pem in "
                    + "DOCKER_CERT_PATH)";
        }
        return "the daemon refused the client certificate " + tls.cert() + (alert == null ? "" : " (" + alert + ")")
                + ": is it issued by the CA the daemon trusts? The daemon's log says why";
    }

    /** The failure in words: which side refused what, and what to check. */
    static DaemonTlsException of(String address, ClientTls tls, SSLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String lower = message.toLowerCase(Locale.ROOT);
        String reason;
        if (lower.contains("certificate_required") || (tls.cert() == null && lower.contains("received fatal alert"))) {
            reason = refusedCertificate(tls, null);
        } else if (lower.contains("received fatal alert")) {
            reason = refusedCertificate(tls, message.substring(lower.indexOf("received fatal alert")
                    + "received fatal alert".length()).replaceFirst("^[: ]+", ""));
        } else if (lower.contains("pkix path") || lower.contains("unable to find valid certification path")) {
            reason = "the daemon's certificate is not issued by the CA in " + tls.caCert();
        } else if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
            reason = "the daemon's certificate is not for this host (" + message + ")";
        } else if (lower.contains("unsupported or unrecognized ssl message") || lower.contains("plaintext connection")) {
            reason = "the daemon does not speak TLS on this port (plain TCP?)";
        } else {
            reason = message;
        }
        return new DaemonTlsException(address, reason);
    }
}
