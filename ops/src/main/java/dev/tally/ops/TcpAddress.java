package dev.tally.ops;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A {@code -H tcp://HOST:PORT} address as dockerd takes it: the port defaults to 2376 with TLS,
 * 2375 without; port 0 asks the kernel for a free one (tallyd logs the port it got).
 */
record TcpAddress(String host, int port) {

    static final int TLS_PORT = 2376;
    static final int PLAIN_PORT = 2375;

    static TcpAddress parse(String text, boolean tls) {
        String rest = text.substring("tcp://".length());
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        String host = rest;
        int port = tls ? TLS_PORT : PLAIN_PORT;
        int colon = rest.lastIndexOf(':');
        boolean bracketed = rest.startsWith("[");
        if (colon >= 0 && (!bracketed || colon > rest.indexOf(']'))) {
            host = rest.substring(0, colon);
            try {
                port = Integer.parseInt(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid host " + text + ": the port is not a number");
            }
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty() || host.contains("/") || port < 0 || port > 65535) {
            throw new IllegalArgumentException("invalid host " + text + ": expected tcp://HOST:PORT, e.g. tcp://127.0.0.1:"
                    + TLS_PORT);
        }
        return new TcpAddress(host, port);
    }

    /** Whether every address the host name resolves to is a loopback address (127.0.0.0/8, ::1). */
    boolean isLoopback() {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("invalid host tcp://" + host + ":" + port + ": unknown host " + host);
        }
    }

    /** The address with the port the server actually listens on. */
    String withPort(int actualPort) {
        return "tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + actualPort;
    }

    @Override
    public String toString() {
        return withPort(port);
    }
}
