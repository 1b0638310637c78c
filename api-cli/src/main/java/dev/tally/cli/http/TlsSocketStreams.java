package dev.tally.cli.http;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLException;

/**
 * A TLS socket's streams for {@link DaemonConnection}. TLS 1.3 tells a client that the daemon
 * refused its certificate only after the handshake: as an alert at the first read, or, when the
 * daemon hung up first, as a reset or an end of stream before any answer. Those become a
 * {@link DaemonTlsException} in words. Closing the output half-closes (close_notify and FIN),
 * closing the input closes the socket.
 */
final class TlsSocketStreams {

    private final Socket socket;
    private final String address;
    private final ClientTls tls;
    private volatile boolean answered;

    TlsSocketStreams(Socket socket, String address, ClientTls tls) {
        this.socket = socket;
        this.address = address;
        this.tls = tls;
    }

    DaemonConnection connection() throws IOException {
        return new DaemonConnection(socket, new Input(), new Output());
    }

    /** The failure in words when it is TLS's or a hang-up before any answer; else as it is. */
    IOException explain(IOException e) {
        if (e instanceof SSLException ssl) {
            return DaemonTlsException.of(address, tls, ssl);
        }
        return answered ? e : refused();
    }

    private DaemonTlsException refused() {
        return new DaemonTlsException(address, DaemonTlsException.refusedCertificate(tls, null));
    }

    private final class Input extends FilterInputStream {

        Input() throws IOException {
            super(socket.getInputStream());
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n;
            try {
                n = in.read(buffer, offset, length);
            } catch (IOException e) {
                throw explain(e);
            }
            if (n < 0 && !answered) {
                throw refused();
            }
            if (n > 0) {
                answered = true;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private final class Output extends FilterOutputStream {

        Output() throws IOException {
            super(socket.getOutputStream());
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            try {
                out.write(buffer, offset, length);
            } catch (IOException e) {
                throw explain(e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw explain(e);
            }
        }

        @Override
        public void close() throws IOException {
            if (!socket.isClosed() && !socket.isOutputShutdown()) {
                socket.shutdownOutput();
            }
        }
    }
}
