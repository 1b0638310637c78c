package dev.tally.domain.container;

/** A live connection to a container's stdio, for attach with stdin or a terminal. */
public interface AttachStream extends AutoCloseable {

    /** Blocks for the next output; null once the container's output has ended. */
    Chunk read();

    /** Sends bytes to the container's stdin. */
    void write(byte[] bytes);

    /** Ends the container's stdin (the client closed its input). */
    void closeStdin();

    @Override
    void close();

    /** Output bytes and their stream: 1 stdout, 2 stderr (a terminal's output is all stdout). */
    record Chunk(int stream, byte[] bytes) {
    }
}
