package dev.tally.rest.body;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tally.domain.DomainException;
import java.util.function.Function;

/**
 * Hostile bodies: whatever bytes a client sends, reading them gives a typed record (and its domain
 * value) or an INVALID {@link DomainException} (400), never another exception (a 500, or worse).
 * Without {@code JAZZER_FUZZ=1} each target runs its seed corpus as a unit test
 * ({@code src/test/resources/dev/tally/rest/body/BodiesFuzzTestInputs/<target>/}: the real clients'
 * bodies and the shapes that broke readers before); with it, Jazzer fuzzes from those seeds.
 */
class BodiesFuzzTest {

    @FuzzTest
    void containerCreate(byte[] body) {
        readsOrIsInvalid(body, ContainerCreateBody.class, ContainerCreateBody::config);
    }

    @FuzzTest
    void execCreate(byte[] body) {
        readsOrIsInvalid(body, ExecCreateBody.class, ExecCreateBody::spec);
    }

    @FuzzTest
    void execStart(byte[] body) {
        readsOrIsInvalid(body, ExecStartBody.class, b -> b);
    }

    @FuzzTest
    void volumeCreate(byte[] body) {
        readsOrIsInvalid(body, VolumeCreateBody.class, b -> b);
    }

    @FuzzTest
    void grant(byte[] body) {
        readsOrIsInvalid(body, GrantBody.class, b -> b);
    }

    /** The property: a record (and what the route makes of it), or INVALID; any other throwable fails. */
    static <T> void readsOrIsInvalid(byte[] body, Class<T> type, Function<T, Object> use) {
        try {
            T read = Bodies.read(body, type);
            assertNotNull(read);
            assertNotNull(use.apply(read));
        } catch (DomainException e) {
            assertEquals(DomainException.Kind.INVALID, e.kind(), e.getMessage());
        }
    }
}
