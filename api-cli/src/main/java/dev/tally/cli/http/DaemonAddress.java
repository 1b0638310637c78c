package dev.tally.cli.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;

/**
 * Where the daemon listens: {@code unix:///path/to.sock} or {@code tcp://host:port},
 * the latter with mutual TLS when {@link #withTls} says so. Immutable;
 * {@link #toString()} returns the address exactly as it was given.
 */
public final class DaemonAddress {

    /** The address used when neither -H nor TALLY_HOST is set. */
    public static final String DEFAULT = "unix:///run/tally/tally.sock";

    private static final int DEFAULT_TCP_PORT = 2375;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final String text;
    private final Path socketPath;
    private final String host;
    private final int port;
    private final ClientTls tls;

    private DaemonAddress(String text, Path socketPath, String host, int port, ClientTls tls) {
        this.text = text;
        this.socketPath = socketPath;
        this.host = host;
        this.port = port;
        this.tls = tls;
    }

    /** The same address, reached over mutual TLS when it is a TCP address (a Unix socket ignores TLS, as docker does). */
    public DaemonAddress withTls(ClientTls settings) {
        return socketPath != null ? this : new DaemonAddress(text, null, host, port, settings);
    }

    /** Whether this is a TCP address reached without TLS. */
    boolean plainTcp() {
        return socketPath == null && tls == null;
    }

    /**
     * Parses an address.
     *
     * @throws IllegalArgumentException with a message fit for the user when the text is not a supported address
     */
    public static DaemonAddress parse(String text) {
        if (text.startsWith("unix://")) {
            String path = text.substring("unix://".length());
            if (path.isEmpty()) {
                throw new IllegalArgumentException("invalid host \"" + text + "\": missing socket path");
            }
            return new DaemonAddress(text, Path.of(path), null, 0, null);
        }
        if (text.startsWith("tcp://")) {
            String rest = text.substring("tcp://".length());
            if (rest.endsWith("/")) {
                rest = rest.substring(0, rest.length() - 1);
            }
            int colon = rest.lastIndexOf(':');
            String host = colon < 0 ? rest : rest.substring(0, colon);
            int port = DEFAULT_TCP_PORT;
            if (colon >= 0) {
                try {
                    port = Integer.parseInt(rest.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("invalid host \"" + text + "\": bad port");
                }
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty() || port < 1 || port > 65535) {
                throw new IllegalArgumentException("invalid host \"" + text + "\": expected tcp://host:port");
            }
            return new DaemonAddress(text, null, host, port, null);
        }
        throw new IllegalArgumentException(
                "invalid host \"" + text + "\": expected unix:///path/to.sock or tcp://host:port");
    }

    /**
     * Opens a new blocking connection to the daemon.
     *
     * @throws DaemonUnreachableException when nothing accepts the connection
     * @throws DaemonTlsException when the TLS handshake fails
     */
    public DaemonConnection connect() throws IOException {
        if (tls != null) {
            return TlsConnector.connect(text, host, port, tls, CONNECT_TIMEOUT_MILLIS);
        }
        SocketChannel channel = null;
        try {
            if (socketPath != null) {
                channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                channel.connect(UnixDomainSocketAddress.of(socketPath));
            } else {
                channel = SocketChannel.open();
                channel.socket().connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
                channel.socket().setTcpNoDelay(true);
            }
            return new DaemonConnection(channel);
        } catch (IOException | UnresolvedAddressException | SecurityException e) {
            closeQuietly(channel);
            String reason = e instanceof UnresolvedAddressException ? "unknown host " + host : e.getMessage();
            throw new DaemonUnreachableException(text, reason == null ? e.getClass().getSimpleName() : reason);
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // the connection failed already; that failure is the one reported
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
