package dev.tally.runtime;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * A file of an image read as a container would see it, before any container exists: the image's
 * unpacked layers merged as overlay merges them (the topmost entry of a name wins; a whiteout, a 0/0
 * character device, hides what is below; a directory marked opaque, or a name that is not a directory
 * in a higher layer, hides the lower layers' entries below it), with every symbolic link resolved in
 * that merged view, never on the host: an absolute target starts again at the image's root, {@code ..}
 * stops at it. Each layer is held by descriptor and every component is opened below its parent with
 * {@code O_NOFOLLOW} ({@link InRoot}), so a layer's link to {@code /etc} leads to the image's
 * {@code /etc}, never to the host's. Not thread-safe; one reader per call.
 */
final class MergedLayers implements AutoCloseable {

    private static final int MAX_LINKS = 40;
    private static final String OPAQUE = "trusted.overlay.opaque";

    private final List<InRoot> layers = new ArrayList<>();

    /** @param layerDirs the image's unpacked layers, top first (as overlay's lowerdir lists them) */
    MergedLayers(List<Path> layerDirs) {
        try {
            for (Path dir : layerDirs) {
                layers.add(InRoot.open(dir));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * The bytes of the regular file at {@code path} in the merged image, or empty when there is none
     * (missing, hidden, a loop of links, or not a regular file). INVALID when it is larger than
     * {@code maxBytes}.
     */
    Optional<byte[]> read(String path, int maxBytes) {
        Deque<String> todo = new ArrayDeque<>(components(path));
        List<String> at = new ArrayList<>(); // the directory reached, as canonical names from the root
        int links = 0;
        while (!todo.isEmpty()) {
            String name = todo.pollFirst();
            if (name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                if (!at.isEmpty()) {
                    at.remove(at.size() - 1);
                }
                continue;
            }
            List<String> candidate = new ArrayList<>(at);
            candidate.add(name);
            Found found = topmost(candidate);
            if (found == null) {
                return Optional.empty();
            }
            try (InRoot.Held h = found.held) {
                InRoot.Stat st = h.stat();
                if (st.isSymbolicLink()) {
                    if (++links > MAX_LINKS) {
                        return Optional.empty();
                    }
                    String target = InRoot.readLink(h);
                    List<String> rest = new ArrayList<>(components(target));
                    rest.addAll(todo);
                    todo = new ArrayDeque<>(rest);
                    if (target.startsWith("/")) {
                        at.clear();
                    }
                } else if (todo.isEmpty()) {
                    return st.isRegularFile() ? Optional.of(contents(h, st.size(), maxBytes, path)) : Optional.empty();
                } else if (st.isDirectory()) {
                    at = candidate;
                } else {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty(); // the root itself
    }

    private record Found(InRoot.Held held) {
    }

    /**
     * The topmost layer's entry at these canonical names, held without following it; null when no
     * layer has it visible. A layer's entry is visible when no higher layer has the name, and no higher
     * layer has, at one of its parents, an opaque directory or something that is not a directory.
     */
    private Found topmost(List<String> names) {
        for (InRoot layer : layers) {
            Lookup l = lookup(layer, names);
            switch (l.kind) {
                case ABSENT -> {
                    if (l.hidesBelow) {
                        return null;
                    }
                }
                case WHITEOUT -> {
                    return null;
                }
                case PRESENT -> {
                    return new Found(l.held);
                }
                default -> throw new IllegalStateException();
            }
        }
        return null;
    }

    private enum Kind { ABSENT, WHITEOUT, PRESENT }

    /** @param hidesBelow the layer hides the lower ones at this name (an opaque parent, a parent that is no directory) */
    private record Lookup(Kind kind, InRoot.Held held, boolean hidesBelow) {
    }

    private static Lookup lookup(InRoot layer, List<String> names) {
        InRoot.Held dir = layer.top();
        boolean opaqueAbove = false;
        try {
            for (int i = 0; i < names.size(); i++) {
                InRoot.Held next = InRoot.entryIfPresent(dir, names.get(i), "/" + String.join("/", names.subList(0, i + 1)));
                if (next == null) {
                    return new Lookup(Kind.ABSENT, null, opaqueAbove);
                }
                InRoot.Stat st = next.stat();
                if (i == names.size() - 1) {
                    if (st.isCharDevice() && st.rdevMajor() == 0 && st.rdevMinor() == 0) {
                        next.close();
                        return new Lookup(Kind.WHITEOUT, null, true);
                    }
                    return new Lookup(Kind.PRESENT, next, true);
                }
                dir.close();
                dir = next;
                if (!st.isDirectory()) {
                    return new Lookup(Kind.ABSENT, null, true); // a file, a link or a whiteout over what is below
                }
                byte[] opaque = dir.xattr(OPAQUE);
                opaqueAbove |= opaque != null && opaque.length > 0 && opaque[0] == 'y';
            }
            return new Lookup(Kind.ABSENT, null, false);
        } finally {
            dir.close();
        }
    }

    private static byte[] contents(InRoot.Held file, long size, int maxBytes, String path) {
        if (size > maxBytes) {
            throw DomainException.invalid("the image's " + path + " is larger than " + maxBytes + " bytes");
        }
        try (InputStream in = Files.newInputStream(Path.of(file.procPath()))) {
            byte[] b = in.readNBytes(maxBytes + 1);
            if (b.length > maxBytes) {
                throw DomainException.invalid("the image's " + path + " is larger than " + maxBytes + " bytes");
            }
            return b;
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "read the image's " + path + ": " + e.getMessage(), e);
        }
    }

    private static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String c : path.split("/")) {
            if (!c.isEmpty()) {
                out.add(c);
            }
        }
        return out;
    }

    @Override
    public void close() {
        layers.forEach(InRoot::close);
    }
}
