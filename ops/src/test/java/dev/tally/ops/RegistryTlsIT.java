package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.runtime.registry.LocalRegistry;
import dev.tally.runtime.registry.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * TLS to a registry: its CA in tallyd's certs.d directory ({@code --registry-certs}, Docker's layout
 * {@code HOST:PORT/ca.crt}), and with {@code --insecure-registry none} not even loopback is spoken to
 * in plain HTTP.
 */
class RegistryTlsIT {

    private static LocalRegistry tls;
    private static LocalRegistry plain;
    private static TestImages.Made image;

    /** Both registries, with the image, before tallyd starts; tallyd trusts the TLS one's CA and no plain HTTP. */
    static final class Registries implements BusyboxDaemon.BeforeStart {
        @Override
        public void prepare(Daemon unstarted) throws Exception {
            Path work = Files.createDirectories(unstarted.root.resolve("registry-work"));
            image = TestImages.layout(work.resolve("layout"), "v1", List.of(TestImages.tar(Map.of(
                    "bin/true", "not a binary\n", "etc/motd", "over tls\n"))), List.of("cat", "/etc/motd"));
            tls = LocalRegistry.options().tls().start();
            tls.push(image, "secure/app", null);
            plain = LocalRegistry.plain();
            plain.push(image, "plain/app", null);
            unstarted.withArgs("--registry-certs", tls.certsDir().toString(), "--insecure-registry", "none");
        }
    }

    @BusyboxDaemon(beforeStart = Registries.class)
    private static Daemon daemon;

    @AfterAll
    static void stopRegistries() throws Exception {
        if (tls != null) {
            tls.close();
        }
        if (plain != null) {
            plain.close();
        }
    }

    @Test
    void aRegistryWhoseCaIsInTheCertsDirectoryIsPulledFromOverTls() {
        Daemon.Result pull = daemon.docker("pull", tls.host() + "/secure/app:v1");
        assertEquals(0, pull.code(), pull.out() + pull.err());
        assertTrue(pull.out().contains(image.manifestDigest()), pull.out());
    }

    @Test
    void plainHttpIsRefusedWhenNoRegistryIsInsecure() {
        Daemon.Result pull = daemon.tally("pull", plain.host() + "/plain/app:v1");
        assertNotEquals(0, pull.code());
        assertTrue(pull.err().contains("cannot reach the registry " + plain.host()), pull.err());
    }
}
