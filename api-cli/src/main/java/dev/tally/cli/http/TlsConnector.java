package dev.tally.cli.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Opens a mutual-TLS connection to the daemon with the JDK (TLS 1.3 or 1.2): the daemon's
 * certificate must come from the given CA and name the host dialled; this client shows its own
 * certificate. Only commands that talk TLS load this class and the JDK's TLS machinery.
 */
final class TlsConnector {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsConnector() {
    }

    /**
     * @throws DaemonUnreachableException when nothing accepts the TCP connection
     * @throws DaemonTlsException when the handshake fails, with what went wrong in words
     */
    static DaemonConnection connect(String address, String host, int port, ClientTls tls, int timeoutMillis)
            throws IOException {
        SSLContext context = context(address, tls);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        try {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
        } catch (IOException | IllegalArgumentException e) {
            socket.close();
            String reason = e instanceof UnknownHostException ? "unknown host " + host : e.getMessage();
            throw new DaemonUnreachableException(address, reason == null ? e.getClass().getSimpleName() : reason);
        }
        TlsSocketStreams streams = new TlsSocketStreams(socket, address, tls);
        try {
            socket.setTcpNoDelay(true);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setProtocols(PROTOCOLS);
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return streams.connection();
        } catch (IOException e) {
            socket.close();
            throw streams.explain(e);
        }
    }

    private static SSLContext context(String address, ClientTls tls) throws DaemonTlsException {
        try {
            List<X509Certificate> cas = PemFiles.certificates(tls.caCert());
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                trusted.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
            trust.init(trusted);
            KeyManager[] keys = null;
            if (tls.cert() != null) {
                List<X509Certificate> chain = PemFiles.certificates(tls.cert());
                PrivateKey key = PemFiles.privateKey(tls.key(), chain.get(0));
                keys = new KeyManager[] {new OwnCertificateKeys(chain.toArray(new X509Certificate[0]), key)};
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust.getTrustManagers(), null);
            return context;
        } catch (IllegalArgumentException e) {
            throw new DaemonTlsException(address, e.getMessage());
        } catch (GeneralSecurityException | IOException e) {
            throw new DaemonTlsException(address, "cannot set up TLS: " + e.getMessage());
        }
    }
}
