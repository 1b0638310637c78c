package dev.tally.domain;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * How a reference a caller typed (a full id, a short id, a name) picks one object, and which names
 * may not be given because they would read as ids. On a shared daemon a name is chosen by one user
 * and typed by another (an admin copies a short id from {@code docker ps}), so no name may capture a
 * reference meant as an id: see "References and names" in docs/security.md.
 */
public final class References {

    /** 12 (a short id, as {@code docker ps} shows it) to 64 (a full id) lowercase hex digits. */
    private static final Pattern ID_LIKE = Pattern.compile("[0-9a-f]{12,64}");
    /**
     * Four or more lowercase hex digits only: a text typed as an id prefix (images take prefixes from
     * 4 digits too). Shorter hex names (a, db, add) are common names, and one of 1 to 3 digits begins
     * a random id far too often for such a name to stop answering its owner.
     */
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{4,}");

    private References() {
    }

    /** True for a text that reads as an id or a short id: no container name or image repository may be one. */
    public static boolean looksLikeId(String text) {
        return text != null && ID_LIKE.matcher(text).matches();
    }

    /**
     * True when a key that names one object would, read as an id prefix, name another: the key is hex
     * digits only and some other object's id begins with it. Such a key names neither, so that a name
     * one user gave can never capture the short id another user typed.
     */
    public static boolean nameShadowsAPrefix(String key, boolean otherIdBegins) {
        return otherIdBegins && key != null && HEX.matcher(key).matches();
    }

    /**
     * The one object among {@code candidates} that {@code key} names, in this order: the object whose
     * full id it is; for a key that {@linkplain #looksLikeId looks like an id}, the one object whose
     * id it begins (names from before such names were refused cannot capture it); the object with
     * that exact name, unless the key is hex digits only and another object's id begins with it
     * ({@linkplain #nameShadowsAPrefix ambiguous}: nothing is chosen); the one object whose id it
     * begins. Empty when nothing matches, when a name and another object's id prefix both match, or
     * when a prefix matches more than one object and no step before chose.
     *
     * @param candidates every object whose id begins with {@code key} or whose name is {@code key}
     */
    public static <T> Optional<T> choose(String key, List<T> candidates, Function<T, String> idOf,
                                         Predicate<T> named) {
        Optional<T> full = candidates.stream().filter(c -> idOf.apply(c).equals(key)).findFirst();
        if (full.isPresent()) {
            return full;
        }
        List<T> byPrefix = candidates.stream().filter(c -> idOf.apply(c).startsWith(key)).toList();
        if (looksLikeId(key) && !byPrefix.isEmpty()) {
            return byPrefix.size() == 1 ? Optional.of(byPrefix.get(0)) : Optional.empty();
        }
        Optional<T> byName = candidates.stream().filter(named).findFirst();
        if (byName.isPresent()) {
            boolean otherIdBegins = byPrefix.stream().anyMatch(c -> c != byName.get());
            return nameShadowsAPrefix(key, otherIdBegins) ? Optional.empty() : byName;
        }
        return byPrefix.size() == 1 ? Optional.of(byPrefix.get(0)) : Optional.empty();
    }
}
