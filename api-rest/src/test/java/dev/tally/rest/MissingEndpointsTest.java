package dev.tally.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.http.HttpMethod;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MissingEndpointsTest {

    @Test
    void aDockerEndpointTallyLacksIsNamedAsDockerDocumentsIt() {
        assertEquals(Optional.of("POST /build is not implemented by tally yet"),
                MissingEndpoints.describe(HttpMethod.POST, "/build"));
        assertEquals(Optional.of("GET /distribution/{name}/json is not implemented by tally yet"),
                MissingEndpoints.describe(HttpMethod.GET, "/distribution/docker.io/library/busybox:latest/json"));
    }

    @Test
    void whatDockerInspectProbesStaysNotFound() {
        assertEquals(Optional.empty(), MissingEndpoints.describe(HttpMethod.GET, "/plugins/web/json"));
        assertEquals(Optional.empty(), MissingEndpoints.describe(HttpMethod.GET, "/services/web"));
    }

    @Test
    void aPathDockerDoesNotHaveIsNotDescribed() {
        assertEquals(Optional.empty(), MissingEndpoints.describe(HttpMethod.GET, "/containers/web/pause"));
        // routes that landed are no longer listed: their own classes answer them
        assertEquals(Optional.empty(), MissingEndpoints.describe(HttpMethod.POST, "/containers/web/pause"));
        assertEquals(Optional.empty(), MissingEndpoints.describe(HttpMethod.PUT, "/containers/web/archive"));
        assertEquals(Optional.empty(), MissingEndpoints.describe(HttpMethod.POST, "/images/localhost:5000/x/push"));
        assertEquals(Optional.empty(), MissingEndpoints.describe(HttpMethod.POST, "/auth"));
        assertEquals(Optional.empty(), MissingEndpoints.describe(HttpMethod.POST, "/images/load"));
        assertEquals(Optional.empty(), MissingEndpoints.describe(HttpMethod.POST, "/commit"));
        assertEquals(Optional.empty(), MissingEndpoints.describe(HttpMethod.GET, "/images/busybox:latest/get"));
        assertEquals(Optional.empty(), MissingEndpoints.describe(HttpMethod.GET, "/nothing"));
        assertEquals(Optional.empty(), MissingEndpoints.describe(HttpMethod.POST, "/images/x/tagged"));
    }
}
