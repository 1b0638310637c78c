package dev.tally.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

public class StreamDemultiplexerTest {

    /** A docker multiplexed-stream frame. */
    public static byte[] frame(int stream, byte[] payload) {
        byte[] frame = new byte[8 + payload.length];
        frame[0] = (byte) stream;
        frame[4] = (byte) (payload.length >>> 24);
        frame[5] = (byte) (payload.length >>> 16);
        frame[6] = (byte) (payload.length >>> 8);
        frame[7] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 8, payload.length);
        return frame;
    }

    public static byte[] frame(int stream, String text) {
        return frame(stream, text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    /** Returns at most {@code max} bytes per read, so headers and payloads arrive split. */
    private static InputStream trickling(byte[] bytes, int max) {
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, max));
            }
        };
    }

    @Test
    void routesStdoutAndStderrFramesEvenWhenSplitAcrossReads() throws IOException {
        byte[] input = concat(frame(1, "hello\n"), frame(2, "oops\n"), frame(1, ""), frame(1, "bye\n"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        StreamDemultiplexer.copy(trickling(input, 3), out, err);

        assertEquals("hello\nbye\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("oops\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void copiesFramesLargerThanItsBuffer() throws IOException {
        byte[] big = new byte[100_000];
        Arrays.fill(big, (byte) 'x');
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        StreamDemultiplexer.copy(trickling(frame(1, big), 7_000), out, new ByteArrayOutputStream());

        assertEquals(100_000, out.size());
    }

    @Test
    void inputEndingInsideAFrameIsAnError() {
        byte[] whole = frame(1, "truncated");
        byte[] cut = Arrays.copyOf(whole, whole.length - 3);

        assertThrows(EOFException.class, () -> StreamDemultiplexer.copy(
                new ByteArrayInputStream(cut), new ByteArrayOutputStream(), new ByteArrayOutputStream()));
    }

    @Test
    void systemErrorFrameFailsWithItsText() {
        IOException error = assertThrows(IOException.class, () -> StreamDemultiplexer.copy(
                new ByteArrayInputStream(frame(3, "attach failed\n")),
                new ByteArrayOutputStream(), new ByteArrayOutputStream()));

        assertEquals("attach failed", error.getMessage());
    }
}
