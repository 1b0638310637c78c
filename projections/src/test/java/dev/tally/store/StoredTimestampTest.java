package dev.tally.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StoredTimestampTest {

    @Test
    void readsWhatTheIsoFormatWritesForAnyInstantOfTheseCenturies() {
        Random random = new Random(3);
        for (int i = 0; i < 100_000; i++) {
            Instant at = Instant.ofEpochSecond(random.nextInt(Integer.MAX_VALUE) * (random.nextBoolean() ? 1L : 2L),
                    switch (i % 4) {
                        case 0 -> 0;
                        case 1 -> random.nextInt(1000) * 1_000_000;
                        case 2 -> random.nextInt(1_000_000) * 1000;
                        default -> random.nextInt(1_000_000_000);
                    });
            assertEquals(at, StoredTimestamp.parse(at.toString()), at.toString());
        }
    }

    /** Years 0 to 9999, the leap days of the centuries (1600, 2000 and 2400 have one, 1700, 1900 and 2100 none) among them. */
    @Test
    void readsWhatTheIsoFormatWritesForAnyInstantOfTheYearsItWritesPlainly() {
        long first = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        Random random = new Random(5);
        for (int i = 0; i < 100_000; i++) {
            Instant at = Instant.ofEpochSecond(first + (long) (random.nextDouble() * (last - first)), random.nextInt(1_000_000_000));
            assertEquals(at, StoredTimestamp.parse(at.toString()), at.toString());
        }
        for (int year : new int[] {0, 4, 100, 400, 1600, 1700, 1900, 1970, 2000, 2024, 2100, 2400, 9996, 9999}) {
            for (String day : new String[] {"-01-01", "-02-28", "-02-29", "-03-01", "-12-31"}) {
                answeredAsTheGeneralParser(String.format("%04d%sT12:34:56.789Z", year, day));
            }
        }
    }

    @Test
    void otherFormsAreAnsweredAsTheGeneralParserAnswersThem() {
        for (String text : new String[] {"+12026-01-01T00:00:00Z", "2024-02-29T23:59:59.5Z", "2023-02-29T00:00:00Z",
                "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00.1234567891Z",
                "2026-0a-01T00:00:00Z", "2026-01-01T00:00:60Z"}) {
            answeredAsTheGeneralParser(text);
        }
    }

    /** The same instant as {@link Instant#parse} gives, or refused as it refuses. */
    private static void answeredAsTheGeneralParser(String text) {
        assertEquals(answer(() -> Instant.parse(text)), answer(() -> StoredTimestamp.parse(text)), text);
    }

    private static String answer(java.util.function.Supplier<Instant> parse) {
        try {
            return parse.get().toString();
        } catch (DateTimeParseException e) {
            return "refused";
        }
    }
}
