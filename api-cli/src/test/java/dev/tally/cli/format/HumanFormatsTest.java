package dev.tally.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HumanFormatsTest {

    @Test
    void durationsReadLikeDockers() {
        assertEquals("Less than a second", HumanDuration.of(Duration.ofMillis(300)));
        assertEquals("1 second", HumanDuration.of(Duration.ofSeconds(1)));
        assertEquals("5 seconds", HumanDuration.of(Duration.ofSeconds(5)));
        assertEquals("About a minute", HumanDuration.of(Duration.ofSeconds(90)));
        assertEquals("2 minutes", HumanDuration.of(Duration.ofMinutes(2)));
        assertEquals("About an hour", HumanDuration.of(Duration.ofMinutes(80)));
        assertEquals("2 hours", HumanDuration.of(Duration.ofMinutes(100)));
        assertEquals("3 days", HumanDuration.of(Duration.ofDays(3)));
        assertEquals("2 weeks", HumanDuration.of(Duration.ofDays(15)));
        assertEquals("3 months", HumanDuration.of(Duration.ofDays(95)));
        assertEquals("2 years", HumanDuration.of(Duration.ofDays(800)));
    }

    @Test
    void decimalSizesUseThreeSignificantDigits() {
        assertEquals("0B", HumanSize.decimal(0));
        assertEquals("999B", HumanSize.decimal(999));
        assertEquals("1.23kB", HumanSize.decimal(1234));
        assertEquals("2.1MB", HumanSize.decimal(2_100_000));
        assertEquals("4.26MB", HumanSize.decimal(4_261_232));
        assertEquals("123MB", HumanSize.decimal(123_456_789));
        assertEquals("1e+03kB", HumanSize.decimal(999_999));
    }

    @Test
    void binarySizesUseFourSignificantDigits() {
        assertEquals("1.944GiB", HumanSize.binary(2_087_354_368L));
        assertEquals("512MiB", HumanSize.binary(512L * 1024 * 1024));
    }

    @Test
    void commandsAreQuotedAndCutWithAnEllipsis() {
        assertEquals("\"sh -c 'echo hi'\"", GoQuote.quote("sh -c 'echo hi'"));
        assertEquals("\"say \\\"hi\\\"\\n\"", GoQuote.quote("say \"hi\"\n"));
        assertEquals("sh -c 'while true; …", GoQuote.ellipsis("sh -c 'while true; do sleep 1; done'", 20));
        assertEquals("exactly twenty chars", GoQuote.ellipsis("exactly twenty chars", 20));
    }
}
