package dev.tally.runtime.image;

import dev.tally.domain.DomainException;
import io.airlift.compress.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** How a layer blob is compressed: told by its media type, or by its first bytes when it has none. */
enum Compression {
    NONE, GZIP, ZSTD;

    /** The compression a layer media type names; INVALID for a media type that is no layer tally can read. */
    static Compression ofMediaType(String mediaType) {
        return switch (mediaType) {
            case "application/vnd.docker.image.rootfs.diff.tar.gzip",
                 "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
                 "application/vnd.oci.image.layer.v1.tar+gzip",
                 "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip" -> GZIP;
            case "application/vnd.oci.image.layer.v1.tar+zstd",
                 "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd" -> ZSTD;
            case "application/vnd.docker.image.rootfs.diff.tar",
                 "application/vnd.oci.image.layer.v1.tar",
                 "application/vnd.oci.image.layer.nondistributable.v1.tar" -> NONE;
            default -> throw DomainException.invalid("unsupported layer media type \"" + mediaType
                    + "\": tally reads tar layers, plain, gzip or zstd");
        };
    }

    /** The compression of a stream, by its magic bytes (gzip 1f 8b, zstd 28 b5 2f fd); {@code in} must support mark. */
    static Compression sniff(InputStream in) throws IOException {
        in.mark(4);
        byte[] b = in.readNBytes(4);
        in.reset();
        if (b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b) {
            return GZIP;
        }
        if (b.length == 4 && (b[0] & 0xff) == 0x28 && (b[1] & 0xff) == 0xb5 && (b[2] & 0xff) == 0x2f
                && (b[3] & 0xff) == 0xfd) {
            return ZSTD;
        }
        return NONE;
    }

    /** The OCI layer media type of a tar in this compression. */
    String ociMediaType() {
        return switch (this) {
            case NONE -> "application/vnd.oci.image.layer.v1.tar";
            case GZIP -> "application/vnd.oci.image.layer.v1.tar+gzip";
            case ZSTD -> "application/vnd.oci.image.layer.v1.tar+zstd";
        };
    }

    /** {@code raw} decompressed. */
    InputStream open(InputStream raw) throws IOException {
        return switch (this) {
            case NONE -> raw;
            case GZIP -> new GZIPInputStream(raw, 256 << 10);
            case ZSTD -> new ZstdInputStream(new BufferedInputStream(raw, 65536));
        };
    }
}
