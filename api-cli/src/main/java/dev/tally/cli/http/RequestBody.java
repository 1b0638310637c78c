package dev.tally.cli.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The body of a request. A body whose length is known is sent with
 * Content-Length; otherwise it is sent with chunked transfer encoding.
 */
public interface RequestBody {

    /** The Content-Type header value. */
    String contentType();

    /** The exact number of bytes {@link #writeTo} writes, or -1 when unknown. */
    long contentLength() throws IOException;

    /** Writes the whole body; may be called once. Does not close {@code out}. */
    void writeTo(OutputStream out) throws IOException;

    /** A UTF-8 JSON document. */
    static RequestBody json(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return new RequestBody() {
            @Override
            public String contentType() {
                return "application/json";
            }

            @Override
            public long contentLength() {
                return bytes.length;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write(bytes);
            }
        };
    }

    /** A file, streamed from disk. */
    static RequestBody ofFile(Path file, String contentType) {
        return new RequestBody() {
            @Override
            public String contentType() {
                return contentType;
            }

            @Override
            public long contentLength() throws IOException {
                return Files.size(file);
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                Files.copy(file, out);
            }
        };
    }

    /** A stream of unknown length, read to its end and sent chunked. The stream is not closed. */
    static RequestBody ofStream(InputStream in, String contentType) {
        return new RequestBody() {
            @Override
            public String contentType() {
                return contentType;
            }

            @Override
            public long contentLength() {
                return -1;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                in.transferTo(out);
            }
        };
    }
}
