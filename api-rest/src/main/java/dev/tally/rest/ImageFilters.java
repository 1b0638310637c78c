package dev.tally.rest;

import dev.tally.domain.DomainException;
import dev.tally.domain.image.query.ImageQueries;
import dev.tally.domain.image.query.ImageView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Docker's image filters for {@code GET /images/json} ({@code reference}, {@code dangling}, {@code before},
 * {@code since}, {@code label}) and {@code POST /images/prune} ({@code dangling}, {@code until},
 * {@code label}). Images carry no labels yet, so a label filter keeps none and {@code label!=} all.
 */
final class ImageFilters {

    private static final Set<String> LIST = Set.of("reference", "dangling", "before", "since", "label");
    private static final Set<String> PRUNE = Set.of("dangling", "until", "label", "label!");

    private final Map<String, List<String>> filters;
    private final Function<String, ImageView> resolve;

    /**
     * @param resolve finds an image named by {@code before=}/{@code since=} among the caller's (NOT_FOUND
     *                otherwise)
     */
    private ImageFilters(Map<String, List<String>> filters, Function<String, ImageView> resolve) {
        this.filters = filters;
        this.resolve = resolve;
    }

    static ImageFilters forList(String raw, Function<String, ImageView> resolve) {
        return new ImageFilters(checked(Filters.parse(raw), LIST), resolve);
    }

    static ImageFilters forPrune(String raw) {
        return new ImageFilters(checked(Filters.parse(raw), PRUNE), ref -> {
            throw DomainException.invalid("invalid filter");
        });
    }

    private static Map<String, List<String>> checked(Map<String, List<String>> filters, Set<String> known) {
        for (String key : filters.keySet()) {
            if (!known.contains(key)) {
                throw DomainException.invalid("invalid filter '" + key + "'");
            }
        }
        for (String d : filters.getOrDefault("dangling", List.of())) {
            if (!d.equals("true") && !d.equals("false") && !d.equals("1") && !d.equals("0")) {
                throw DomainException.invalid("invalid filter 'dangling=" + d + "'");
            }
        }
        return filters;
    }

    /** {@code dangling=false} on a prune: every unused image, not only untagged ones. */
    boolean pruneAll() {
        return filters.getOrDefault("dangling", List.of()).stream().anyMatch(d -> d.equals("false") || d.equals("0"));
    }

    /** The image as the list shows it under these filters (its tags narrowed by {@code reference}), or null. */
    ImageView apply(ImageView image) {
        List<String> dangling = filters.getOrDefault("dangling", List.of());
        if (!dangling.isEmpty()) {
            boolean want = dangling.contains("true") || dangling.contains("1");
            if (want != image.tags().isEmpty()) {
                return null;
            }
        }
        if (filters.containsKey("label")) {
            return null; // no image has labels yet
        }
        for (String before : filters.getOrDefault("before", List.of())) {
            if (!image.created().isBefore(resolve.apply(before).created())) {
                return null;
            }
        }
        for (String since : filters.getOrDefault("since", List.of())) {
            if (!image.created().isAfter(resolve.apply(since).created())) {
                return null;
            }
        }
        List<String> patterns = filters.getOrDefault("reference", List.of());
        if (patterns.isEmpty()) {
            return image;
        }
        List<String> kept = new ArrayList<>();
        for (String tag : image.tags()) {
            String repository = ImageQueries.repositoryOf(tag);
            if (patterns.stream().map(ImageFilters::glob).anyMatch(p -> p.matcher(tag).matches()
                    || p.matcher(repository).matches())) {
                kept.add(tag);
            }
        }
        return kept.isEmpty() ? null : new ImageView(image.id(), kept, image.layers(), image.size(), image.created(),
                image.digests(), image.holders(), image.anyone());
    }

    /** Whether a prune takes this image: {@code until} (created before), labels. */
    boolean prunes(ImageView image, Instant now) {
        for (String until : filters.getOrDefault("until", List.of())) {
            java.util.regex.Matcher d = Pattern.compile("([0-9]+)(h|m|s)").matcher(until);
            Instant bound = d.matches() ? now.minus(Long.parseLong(d.group(1)), switch (d.group(2)) {
                case "h" -> java.time.temporal.ChronoUnit.HOURS;
                case "m" -> java.time.temporal.ChronoUnit.MINUTES;
                default -> java.time.temporal.ChronoUnit.SECONDS;
            }) : QueryValues.instant("until", until, true);
            if (!image.created().isBefore(bound)) {
                return false;
            }
        }
        return !filters.containsKey("label");
    }

    /**
     * Go's {@code path.Match} pattern as a regex: {@code *} any run of characters but '/', {@code ?} one,
     * {@code [...]} a class; Docker matches it against the familiar name with its tag, and without.
     */
    static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            switch (c) {
                case '*' -> re.append("[^/]*");
                case '?' -> re.append("[^/]");
                case '[' -> {
                    int end = pattern.indexOf(']', i + 1);
                    if (end < 0) {
                        throw DomainException.invalid("invalid filter 'reference=" + pattern + "': syntax error in pattern");
                    }
                    String cls = pattern.substring(i + 1, end);
                    boolean negated = cls.startsWith("!") || cls.startsWith("^");
                    String body = (negated ? cls.substring(1) : cls).replace("\\", "\\\\").replace("[", "\\[")
                            .replace("&", "\\&");
                    re.append(negated ? "[^" : "[").append(body).append(']');
                    i = end;
                }
                case '\\' -> {
                    if (i + 1 < pattern.length()) {
                        re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        try {
            return Pattern.compile(re.toString());
        } catch (java.util.regex.PatternSyntaxException e) {
            throw DomainException.invalid("invalid filter 'reference=" + pattern + "': syntax error in pattern");
        }
    }
}
