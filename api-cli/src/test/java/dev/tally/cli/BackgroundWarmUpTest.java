package dev.tally.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class BackgroundWarmUpTest {

    @Test
    void theNamedSelectorProviderIsTheOneTheJdkPicksOnLinuxAndOpensUnixSockets() throws IOException {
        BackgroundWarmUp.nameSelectorProvider();

        assertEquals(BackgroundWarmUp.LINUX_SELECTOR_PROVIDER,
                System.getProperty("java.nio.channels.spi.SelectorProvider"));
        assertEquals(BackgroundWarmUp.LINUX_SELECTOR_PROVIDER, SelectorProvider.provider().getClass().getName());
        SocketChannel.open(StandardProtocolFamily.UNIX).close();
    }

    @Test
    void theSecureRandomItPreparesIsOneThisJdkHas() throws NoSuchAlgorithmException {
        assertEquals(BackgroundWarmUp.UNIX_SOCKETS_RANDOM,
                SecureRandom.getInstance(BackgroundWarmUp.UNIX_SOCKETS_RANDOM).getAlgorithm());
    }
}
