package dev.tally.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event store's instants read exactly as the Java time module reads them, every form. */
class StrictInstantsTest {

    record Stamped(Instant at) {
    }

    private static final ObjectMapper PLAIN = new ObjectMapper().registerModule(new JavaTimeModule());
    private static final ObjectMapper STRICT = new ObjectMapper().registerModule(new JavaTimeModule())
            .registerModule(StrictInstants.module());

    @Test
    void everyFormReadsAsTheJavaTimeModuleReadsIt() throws Exception {
        for (String json : List.of("\"2026-11-23T10:00:00Z\"", "\"2026-11-23T10:00:00.123Z\"",
                "\"2026-11-23T10:00:00.123456789Z\"", "\"2026-11-23T11:00:00+01:00\"", "1763892000.5", "1763892000",
                "\"1763892000\"", "null", "\"2024-02-29T23:59:59.999999Z\"")) {
            String doc = "{\"at\":" + json + "}";
            assertEquals(PLAIN.readValue(doc, Stamped.class), STRICT.readValue(doc, Stamped.class), json);
        }
    }

    @Test
    void whatTheModuleRefusesIsStillRefused() {
        assertThrows(InvalidFormatException.class, () -> PLAIN.readValue("{\"at\":\"2023-02-29T00:00:00Z\"}", Stamped.class));
        assertThrows(InvalidFormatException.class, () -> STRICT.readValue("{\"at\":\"2023-02-29T00:00:00Z\"}", Stamped.class));
    }

    @Test
    void theEventStoreSerializerUsesItAndStillReadsWhatItWrites() {
        var serializer = (org.axonframework.serialization.json.JacksonSerializer) EventStoreFactory.serializer();
        assertTrue(serializer.getObjectMapper().getRegisteredModuleIds().contains("tally-strict-instants"));
        var stored = serializer.serialize(new Stamped(Instant.parse("2026-11-23T10:00:00.5Z")), byte[].class);
        assertEquals(new Stamped(Instant.parse("2026-11-23T10:00:00.5Z")), serializer.deserialize(stored));
    }
}
