package dev.tally.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;

/**
 * Prepares, on a background thread, what talking to the daemon will need: the
 * JDK's Unix socket machinery (whose first use loads native code and seeds a
 * SecureRandom) and jackson-jr's reader and writer. The main thread meanwhile
 * builds the command line with picocli, so on a machine with more than one core
 * the two overlap. Nothing is sent anywhere; a failure only means no head start.
 */
final class BackgroundWarmUp implements Runnable {

    private static final String SAMPLE_JSON = "{\"Id\":\"warm-up\",\"List\":[1,2.5,true,null],\"Map\":{}}";

    /** Starts the warm-up on a daemon thread, which never delays the exit. */
    static void start() {
        Thread thread = new Thread(new BackgroundWarmUp(), "tally-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        try {
            SocketChannel.open(StandardProtocolFamily.UNIX).close();
        } catch (IOException | UnsupportedOperationException noUnixSockets) {
            // the real connection will report any problem
        }
        try {
            JSON.std.asString(JSON.std.mapFrom(SAMPLE_JSON));
        } catch (IOException cannotHappenForValidJson) {
            // nothing to warm up then
        }
    }
}
