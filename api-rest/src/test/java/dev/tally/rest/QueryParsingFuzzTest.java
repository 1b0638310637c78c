package dev.tally.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tally.domain.DomainException;
import java.nio.charset.StandardCharsets;

/**
 * Hostile query strings: whatever a client puts in {@code filters}, a number or a time parameter,
 * parsing gives a value or an INVALID {@link DomainException} (400), never another exception.
 * Without {@code JAZZER_FUZZ=1} each target runs its seed corpus
 * ({@code src/test/resources/dev/tally/rest/QueryParsingFuzzTestInputs/<target>/}) as a unit test.
 */
class QueryParsingFuzzTest {

    @FuzzTest
    void filters(byte[] input) {
        valueOrInvalid(() -> Filters.parse(text(input)));
    }

    @FuzzTest
    void numbers(byte[] input) {
        String value = text(input);
        valueOrInvalid(() -> QueryValues.integer("t", value, -1));
        valueOrInvalid(() -> QueryValues.longInteger("from", value, 0));
    }

    @FuzzTest
    void times(byte[] input) {
        String value = text(input);
        valueOrAbsentOrInvalid(() -> QueryValues.instant("since", value, false), value);
        valueOrAbsentOrInvalid(() -> QueryValues.instant("until", value, true), value);
        valueOrInvalid(() -> value.isEmpty() ? "" : Rfc3339.unixSeconds(value));
    }

    /** What Vert.x hands a route: the parameter decoded as UTF-8 (malformed bytes replaced). */
    private static String text(byte[] input) {
        return new String(input, StandardCharsets.UTF_8);
    }

    private static void valueOrInvalid(java.util.function.Supplier<Object> parse) {
        try {
            assertNotNull(parse.get());
        } catch (DomainException e) {
            assertEquals(DomainException.Kind.INVALID, e.kind(), e.getMessage());
        }
    }

    private static void valueOrAbsentOrInvalid(java.util.function.Supplier<Object> parse, String value) {
        valueOrInvalid(() -> {
            Object parsed = parse.get();
            return parsed != null || value.isEmpty() ? "" : null;
        });
    }
}
