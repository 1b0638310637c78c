package dev.tally.rest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

class AnonymousGateTest {

    @Test
    void pingAndVersionAreOpenWithOrWithoutAnApiVersion() {
        assertTrue(AnonymousGate.open(HttpMethod.HEAD, "/_ping"));
        assertTrue(AnonymousGate.open(HttpMethod.GET, "/_ping"));
        assertTrue(AnonymousGate.open(HttpMethod.GET, "/version"));
        assertTrue(AnonymousGate.open(HttpMethod.GET, "/v1.50/version"));
    }

    @Test
    void everythingElseIsClosed() {
        assertFalse(AnonymousGate.open(HttpMethod.GET, "/containers/json"));
        assertFalse(AnonymousGate.open(HttpMethod.GET, "/info"));
        assertFalse(AnonymousGate.open(HttpMethod.POST, "/_ping"));
        assertFalse(AnonymousGate.open(HttpMethod.GET, "/v1.50/_ping/../containers/json"));
        assertFalse(AnonymousGate.open(HttpMethod.GET, "/versionx"));
        assertFalse(AnonymousGate.open(HttpMethod.GET, "/x/version"));
    }
}
