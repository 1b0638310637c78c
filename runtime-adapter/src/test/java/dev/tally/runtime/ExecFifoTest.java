package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start handshake with runc's init, played against a real FIFO by a thread standing in for the init. */
class ExecFifoTest {

    @TempDir
    Path state;

    private Path fifo;

    @BeforeEach
    void makeFifo() throws Exception {
        fifo = ExecFifo.of(state);
        Process mkfifo = new ProcessBuilder("mkfifo", "-m", "0622", fifo.toString()).start();
        assertEquals(0, mkfifo.waitFor());
    }

    @Test
    void readsTheInitsByteThenRemovesTheFifoAsRuncStartDoes() throws Exception {
        CompletableFuture<Void> init = CompletableFuture.runAsync(() -> {
            try (FileOutputStream out = new FileOutputStream(fifo.toFile())) { // waits for a reader, as init does
                out.write('0');
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });

        assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> ExecFifo.release(fifo, ProcessHandle.current().pid(), Duration.ofSeconds(10)));

        init.get();
        assertFalse(Files.exists(fifo), "a FIFO left behind makes runc call the container created, not running");
    }

    @Test
    void anInitThatDiedBeforeWritingFailsTheStartAtOnceAndKeepsTheFifo() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();

        DomainException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(DomainException.class,
                () -> ExecFifo.release(fifo, gone.pid(), Duration.ofSeconds(60))));

        assertEquals(DomainException.Kind.FAILED, e.kind());
        assertTrue(e.getMessage().contains("ended before it was started"), e.getMessage());
        assertTrue(Files.exists(fifo));
    }

    @Test
    void anInitThatNeverComesIsGivenUpAfterTheLimit() {
        DomainException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(DomainException.class,
                () -> ExecFifo.release(fifo, ProcessHandle.current().pid(), Duration.ofMillis(300))));

        assertTrue(e.getMessage().contains("did not get ready to start"), e.getMessage());
    }
}
