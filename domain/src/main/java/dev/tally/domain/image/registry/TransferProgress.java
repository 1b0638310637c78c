package dev.tally.domain.image.registry;

/**
 * What a pull or push tells its caller while it runs, in Docker's vocabulary: a line about the whole
 * ({@code Pulling from library/busybox}) or a layer's status ({@code Downloading}, {@code Already
 * exists}, {@code Pull complete}) with its bytes so far and in all (0 and 0 when there are none).
 * Called from several threads at once; must not block for long. Never given a credential.
 */
public interface TransferProgress {

    TransferProgress NONE = new TransferProgress() {
        @Override
        public void status(String id, String message) {
        }

        @Override
        public void layer(String digest, String status, long current, long total) {
        }
    };

    /** A line about the whole; {@code id} is the tag (Docker shows {@code latest: Pulling from …}), or empty. */
    void status(String id, String message);

    /** A layer's status; {@code digest} is the layer's full digest. */
    void layer(String digest, String status, long current, long total);
}
