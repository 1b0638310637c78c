package dev.tally.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.http.HttpMethod;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MissingEndpointsTest {

    @Test
    void aDockerEndpointTallyLacksIsNamedAsDockerDocumentsIt() {
        assertEquals(Optional.of("POST /containers/{id}/pause is not implemented by tally yet"),
                MissingEndpoints.describe(HttpMethod.POST, "/containers/web/pause"));
        assertEquals(Optional.of("POST /images/{name}/push is not implemented by tally yet"),
                MissingEndpoints.describe(HttpMethod.POST, "/images/localhost:5000/x/push"));
        assertEquals(Optional.of("GET /images/{name}/get is not implemented by tally yet"),
                MissingEndpoints.describe(HttpMethod.GET, "/images/docker.io/library/busybox:latest/get"));
    }

    @Test
    void whatDockerInspectProbesStaysNotFound() {
        assertEquals(Optional.empty(), MissingEndpoints.describe(HttpMethod.GET, "/plugins/web/json"));
        assertEquals(Optional.empty(), MissingEndpoints.describe(HttpMethod.GET, "/services/web"));
    }

    @Test
    void aPathDockerDoesNotHaveIsNotDescribed() {
        assertEquals(Optional.empty(), MissingEndpoints.describe(HttpMethod.GET, "/containers/web/pause"));
        assertEquals(Optional.empty(), MissingEndpoints.describe(HttpMethod.GET, "/nothing"));
        assertEquals(Optional.empty(), MissingEndpoints.describe(HttpMethod.POST, "/images/x/tagged"));
    }
}
