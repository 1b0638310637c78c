package dev.tally.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Prepares, on a background thread, what talking to the daemon will need: the SecureRandom the
 * JDK's Unix sockets make at their first use (which sets up the security providers), the Unix
 * socket machinery itself (native code), then jackson-jr's reader for the answers (request bodies
 * are written by {@link JsonBody}). The main thread meanwhile builds its request, so on a machine
 * with more than one core the two overlap. Nothing is sent anywhere; a failure only means no head
 * start.
 *
 * <p>Measured on the installed launcher (class-data archive made the same way for each build),
 * hyperfine, builds interleaved in blocks of 10 on a shared 2-core host (load 6-14), 40-60 runs
 * each, medians. Naming the selector provider, without and with: CLI CPU for {@code version} 68/61
 * and 74/66 ms, {@code run --rm busybox true} 79/72 and 83/76 ms, {@code ps -a} 96/94 ms. The
 * thread, with and without (the naming in both): wall {@code version} 100/112 and 122/125 ms,
 * {@code ps -a} 86/99 and 166/134 ms, {@code run --rm busybox true} 202/174, 204/241 and 389/327
 * ms, CPU -1 to +6 ms with it. The thread can pay only when a core is idle; runs on a host without
 * one neither confirm nor refute it.
 */
final class BackgroundWarmUp implements Runnable {

    /** The JDK's own selector provider on Linux, the one its default lookup ends with. */
    static final String LINUX_SELECTOR_PROVIDER = "sun.nio.ch.EPollSelectorProvider";
    private static final String PROVIDER_PROPERTY = "java.nio.channels.spi.SelectorProvider";
    /**
     * The algorithm of the SecureRandom that {@code sun.nio.ch.UnixDomainSockets} makes when first
     * used (JDK 16 and later), for the names of server sockets bound to no path: the client never
     * uses it, but its first socket waits for it.
     */
    static final String UNIX_SOCKETS_RANDOM = "NativePRNGNonBlocking";
    private static final String SAMPLE_JSON = "{\"Id\":\"warm-up\",\"List\":[1,2.5,true,null],\"Map\":{}}";

    private BackgroundWarmUp() {
    }

    /** Starts the warm-up on a daemon thread, which never delays the exit. */
    static void start() {
        nameSelectorProvider();
        Thread thread = new Thread(new BackgroundWarmUp(), "tally-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Names the selector provider, so that the first socket does not look for one as a service:
     * that lookup opens and scans every jar on the class path, which the class-data archive
     * otherwise spares the CLI (about 9 ms of CPU a command). Only when this JDK has the class and
     * nobody chose a provider already; otherwise the JDK looks it up as usual.
     */
    static void nameSelectorProvider() {
        if (System.getProperty(PROVIDER_PROPERTY) != null) {
            return;
        }
        try {
            Class<?> provider = Class.forName(LINUX_SELECTOR_PROVIDER, false, null);
            if (SelectorProvider.class.isAssignableFrom(provider) && Modifier.isPublic(provider.getModifiers())
                    && Modifier.isPublic(provider.getConstructor().getModifiers())) {
                System.setProperty(PROVIDER_PROPERTY, LINUX_SELECTOR_PROVIDER);
            }
        } catch (ReflectiveOperationException | LinkageError notThisJdk) {
            // the default lookup finds the platform's provider
        }
    }

    /**
     * A class, not a lambda: a lambda's first use costs start-up time of its own.
     *
     * <p>The SecureRandom comes first: it is the longer part of a first Unix socket (the security
     * properties, the OID table, the SUN provider: 6-9 ms of a 10-13 ms first socket, in a probe with the
     * CLI's flags and archive), and the
     * JDK's network libraries, the rest, load on whichever thread opens a socket first. Made here
     * first, it is ready when the main thread's connection, which loads those libraries itself
     * meanwhile, asks for it; made inside the socket, the two ran one after the other. Stamps in a
     * build that printed them, {@code tally pull -q} of an image present, against a warm tallyd, the
     * two orders in turns, 30 runs each (load 2.2): connected 36.7 -> 33.5 ms after the JVM's exec,
     * exit 51.1 -> 46.7 ms; for {@code push -q} 36.3 -> 34.1, for {@code version} 36.8 -> 34.5.
     */
    @Override
    public void run() {
        prepareSecureRandom();
        openUnixSocket();
        readJson();
    }

    private static void prepareSecureRandom() {
        try {
            SecureRandom.getInstance(UNIX_SOCKETS_RANDOM);
        } catch (NoSuchAlgorithmException notThisJdk) {
            // the socket will find its own
        }
    }

    private static void openUnixSocket() {
        try {
            SocketChannel.open(StandardProtocolFamily.UNIX).close();
        } catch (IOException | UnsupportedOperationException noUnixSockets) {
            // the real connection will report any problem
        }
    }

    private static void readJson() {
        try {
            JSON.std.mapFrom(SAMPLE_JSON);
        } catch (IOException cannotHappenForValidJson) {
            // nothing to warm up then
        }
    }
}
