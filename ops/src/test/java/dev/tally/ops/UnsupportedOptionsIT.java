package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Options tally does not apply yet are refused by name, through the real docker CLI, and nothing is created. */
class UnsupportedOptionsIT {

    @Test
    void theDockerCliIsToldWhichOptionIsNotSupported() throws Exception {
        try (Daemon daemon = new Daemon().start()) {
            daemon.importBusybox();
            Daemon.Result readOnly = daemon.docker("run", "--rm", "--read-only", "busybox", "true");
            assertEquals(125, readOnly.code(), readOnly.err());
            assertTrue(readOnly.err().contains("--read-only (HostConfig.ReadonlyRootfs) is not supported by tally yet"),
                    readOnly.err());
            Daemon.Result capDrop = daemon.docker("run", "--rm", "--cap-drop", "ALL", "busybox", "true");
            assertEquals(125, capDrop.code(), capDrop.err());
            assertTrue(capDrop.err().contains("--cap-drop (HostConfig.CapDrop) is not supported by tally yet"), capDrop.err());
            Daemon.Result plain = daemon.docker("run", "--rm", "-v", "data:/data", "busybox", "true");
            assertEquals(0, plain.code(), plain.err());
            assertEquals("", daemon.docker("ps", "-aq").out(), "nothing was left behind");
        }
    }
}
