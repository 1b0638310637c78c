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

    @Test
    void otherFormsAreAnsweredAsTheGeneralParserAnswersThem() {
        for (String text : new String[] {"+12026-01-01T00:00:00Z", "2024-02-29T23:59:59.5Z", "2023-02-29T00:00:00Z",
                "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00.1234567891Z",
                "2026-0a-01T00:00:00Z", "2026-01-01T00:00:60Z"}) {
            String expected;
            try {
                expected = Instant.parse(text).toString();
            } catch (DateTimeParseException e) {
                expected = "refused";
            }
            String actual;
            try {
                actual = StoredTimestamp.parse(text).toString();
            } catch (DateTimeParseException e) {
                actual = "refused";
            }
            assertEquals(expected, actual, text);
        }
    }
}
