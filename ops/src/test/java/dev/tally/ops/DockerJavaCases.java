package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.Network;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * docker-java's own client (the one Testcontainers brings) for images, volumes, events, inspect
 * and networks, against tallyd (issue 14). Run by {@link TestcontainersIT} beside
 * {@link TestcontainersCases}, in the same JVM and as the same user.
 */
class DockerJavaCases {

    private final DockerClient docker = DockerClientFactory.instance().client();

    @Test
    void imagesListAndInspectTheImportedBusybox() {
        List<Image> images = docker.listImagesCmd().exec();
        Image busybox = images.stream().filter(i -> i.getRepoTags() != null
                && List.of(i.getRepoTags()).contains("busybox:latest")).findFirst().orElseThrow(() ->
                new AssertionError("busybox:latest in " + images));
        InspectImageResponse inspect = docker.inspectImageCmd("busybox:latest").exec();
        assertEquals(busybox.getId(), inspect.getId());
        assertEquals("amd64", inspect.getArch());
        assertThrows(NotFoundException.class, () -> docker.inspectImageCmd("no-such-image:1").exec());
    }

    @Test
    void volumesAreCreatedListedInspectedAndRemoved() {
        String name = "dj-" + UUID.randomUUID().toString().substring(0, 8);
        docker.createVolumeCmd().withName(name).withLabels(Map.of("team", "a")).exec();
        InspectVolumeResponse inspect = docker.inspectVolumeCmd(name).exec();
        assertEquals("local", inspect.getDriver());
        assertEquals("a", inspect.getLabels().get("team"));
        assertTrue(docker.listVolumesCmd().exec().getVolumes().stream().anyMatch(v -> v.getName().equals(name)));
        docker.removeVolumeCmd(name).exec();
        assertThrows(NotFoundException.class, () -> docker.inspectVolumeCmd(name).exec());
    }

    @Test
    void aContainerIsInspectedAndItsEventsAreStreamedBetweenSinceAndUntil() throws Exception {
        String label = UUID.randomUUID().toString();
        long since = Instant.now().getEpochSecond() - 1;
        CreateContainerResponse created = docker.createContainerCmd("busybox:latest").withCmd("sh", "-c", "exit 7")
                .withLabels(Map.of("dev.tally.case", label)).exec();
        String id = created.getId();
        try {
            docker.startContainerCmd(id).exec();
            int code = docker.waitContainerCmd(id).exec(new WaitContainerResultCallback()).awaitStatusCode(60, TimeUnit.SECONDS);
            assertEquals(7, code);
            InspectContainerResponse inspect = docker.inspectContainerCmd(id).exec();
            assertEquals(7L, inspect.getState().getExitCodeLong());
            assertEquals(Boolean.FALSE, inspect.getState().getRunning());
            assertEquals(label, inspect.getConfig().getLabels().get("dev.tally.case"));
            assertEquals(List.of("sh", "-c", "exit 7"), List.of(inspect.getConfig().getCmd()));

            List<Event> events = new ArrayList<>();
            docker.eventsCmd().withSince(Long.toString(since)).withUntil(Long.toString(Instant.now().getEpochSecond() + 1))
                    .withLabelFilter(Map.of("dev.tally.case", label))
                    .exec(new ResultCallback.Adapter<Event>() {
                        @Override
                        public void onNext(Event e) {
                            events.add(e);
                        }
                    }).awaitCompletion(60, TimeUnit.SECONDS);
            List<String> actions = events.stream().map(Event::getAction).toList();
            assertEquals(List.of("create", "start", "die"), actions);
            assertTrue(events.stream().allMatch(e -> e.getActor().getId().equals(id)), events.toString());
            assertEquals("7", events.get(2).getActor().getAttributes().get("exitCode"));
        } finally {
            docker.removeContainerCmd(id).withForce(true).exec();
        }
    }

    @Test
    void theNetworksThatExistAreHostAndNoneAndBridgeIsNotFound() {
        List<String> names = docker.listNetworksCmd().exec().stream().map(Network::getName).toList();
        assertEquals(List.of("host", "none"), names);
        assertEquals("host", docker.inspectNetworkCmd().withNetworkId("host").exec().getDriver());
        assertThrows(NotFoundException.class, () -> docker.inspectNetworkCmd().withNetworkId("bridge").exec());
    }
}
