package dev.tally.runtime;

import dev.tally.domain.DomainException;
import java.io.IOException;

/**
 * A container's overlay upper directory written as an image layer (what {@code docker commit} makes):
 * an overlay whiteout (a 0/0 character device) becomes an empty {@code .wh.NAME}, a directory marked
 * opaque ({@code trusted.overlay.opaque=y}) gets a {@code .wh..wh..opq} entry, and what overlay keeps
 * below the upper directory is read through the mounted root filesystem: a file copied up for its
 * metadata only ({@code trusted.overlay.metacopy}) has its data there, and a directory renamed
 * ({@code trusted.overlay.redirect}) is written whole from there, marked opaque. A marker follows its
 * directory's own entry, before what is below it. Every entry is held
 * by descriptor, opened below its parent without following it (see {@link TarOfTree}), in the upper
 * directory or resolved inside the mounted root: a link in the upper directory is written as a link,
 * never followed out.
 */
final class UpperLayer {

    private static final String OPAQUE = "trusted.overlay.opaque";
    private static final String METACOPY = "trusted.overlay.metacopy";
    private static final String REDIRECT = "trusted.overlay.redirect";

    private final InRoot upper;
    private final InRoot merged;
    private final TarOfTree tar;

    /** @param merged the container's root filesystem as overlay mounts it over {@code upper} */
    UpperLayer(InRoot upper, InRoot merged, TarOfTree tar) {
        this.upper = upper;
        this.merged = merged;
        this.tar = tar;
    }

    /** Writes the layer and ends the tar. */
    void write() throws IOException {
        try (InRoot.Held top = upper.top()) {
            walk(top, "", 0);
        }
        tar.finish();
    }

    private void walk(InRoot.Held dir, String path, int depth) throws IOException {
        if (depth > TarOfTree.MAX_DEPTH) {
            throw DomainException.invalid("the container's changes are deeper than " + TarOfTree.MAX_DEPTH + " levels");
        }
        for (String name : InRoot.names(dir)) {
            String p = path.isEmpty() ? name : path + "/" + name;
            try (InRoot.Held e = InRoot.entryIfPresent(dir, name, "/" + p)) {
                if (e == null) {
                    continue;
                }
                InRoot.Stat st = e.stat();
                if (st.isCharDevice() && st.rdevMajor() == 0 && st.rdevMinor() == 0) {
                    tar.marker((path.isEmpty() ? "" : path + "/") + ".wh." + name);
                } else if (st.isDirectory() && e.xattr(REDIRECT) != null) {
                    try (InRoot.Held whole = merged.resolve("/" + p, false)) {
                        tar.single(whole, p);
                        tar.marker(p + "/.wh..wh..opq");
                        for (String child : InRoot.names(whole)) {
                            try (InRoot.Held c = InRoot.entryIfPresent(whole, child, "/" + p + "/" + child)) {
                                if (c != null) {
                                    tar.write(c, p + "/" + child);
                                }
                            }
                        }
                    }
                } else if (st.isDirectory()) {
                    tar.single(e, p);
                    byte[] opaque = e.xattr(OPAQUE);
                    if (opaque != null && opaque.length > 0 && opaque[0] == 'y') {
                        tar.marker(p + "/.wh..wh..opq");
                    }
                    walk(e, p, depth + 1);
                } else if (st.isRegularFile() && e.xattr(METACOPY) != null) {
                    try (InRoot.Held data = merged.resolve("/" + p, false)) {
                        tar.single(data, p);
                    }
                } else {
                    tar.single(e, p);
                }
            }
        }
    }
}
