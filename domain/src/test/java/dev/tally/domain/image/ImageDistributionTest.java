package dev.tally.domain.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.access.AccessPolicy;
import dev.tally.domain.access.event.AccessDenied;
import dev.tally.domain.image.event.ImagePulled;
import dev.tally.domain.image.query.ImageQueries;
import dev.tally.domain.image.query.ImageView;
import dev.tally.domain.image.registry.Descriptor;
import dev.tally.domain.image.registry.RegistryCredentials;
import dev.tally.domain.image.registry.RegistryPolicy;
import dev.tally.domain.image.registry.RemoteImage;
import dev.tally.domain.image.registry.TransferProgress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.axonframework.config.Configuration;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ImageDistributionTest {

    static final Actor ROOT = new Actor(0, 0, "root", 1, "unix:pid=1");
    static final Actor ALICE = new Actor(1000, 1000, "alice", 42, "unix:pid=42");
    static final RegistryCredentials SECRET = new RegistryCredentials("alice", "hunter2-secret", "");

    /** What the read model would answer: references from the pulls recorded. */
    static final class Pulls implements ImageQueries {
        final Map<String, String> tags = new ConcurrentHashMap<>();

        @EventHandler
        void on(ImagePulled e) {
            tags.put(e.reference(), e.imageId());
        }

        @Override
        public List<ImageView> candidates(String ref) {
            String id = tags.get(ImageReference.normalizedOrAsIs(ref));
            return id == null ? List.of() : List.of(new ImageView(id, List.of(ImageReference.normalizedOrAsIs(ref)),
                    List.of(), 0, Instant.EPOCH, List.of(), List.of(), true));
        }

        @Override
        public List<ImageView> list() {
            return List.of();
        }

        @Override
        public Optional<dev.tally.domain.image.query.ReferenceView> reference(String normalized) {
            String id = tags.get(normalized);
            return id == null ? Optional.empty()
                    : Optional.of(new dev.tally.domain.image.query.ReferenceView(normalized, id, 0, "root"));
        }
    }

    private final InMemoryEventStorageEngine events = new InMemoryEventStorageEngine();
    private final Pulls pulls = new Pulls();
    private final Configuration axon = DefaultConfigurer.defaultConfiguration()
            .configureEmbeddedEventStore(c -> events).configureAggregate(Image.class)
            .eventProcessing(ep -> ep.usingSubscribingEventProcessors().registerEventHandler(c -> pulls))
            .buildConfiguration();
    private final FakeRegistry registry = new FakeRegistry();
    private final FakePullStore store = new FakePullStore(registry);
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private ImageDistribution distribution;

    private ImageDistribution distribution() {
        if (distribution == null) {
            axon.start();
            distribution = new ImageDistribution(axon.commandGateway(), registry, store, pulls,
                    new AccessControl(axon.eventGateway(), AccessPolicy.defaults()), RegistryPolicy.ANY, threads);
        }
        return distribution;
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
        axon.shutdown();
    }

    private List<Object> stored() {
        return events.readEvents(null, false).map(EventMessage::getPayload).map(Object.class::cast).toList();
    }

    private final List<String> progress = new CopyOnWriteArrayList<>();
    private final TransferProgress lines = new TransferProgress() {
        @Override
        public void status(String id, String message) {
            progress.add(message);
        }

        @Override
        public void layer(String digest, String status, long current, long total) {
            progress.add(digest + " " + status);
        }
    };

    @Test
    void aPullStoresConfigAndLayersThenRecordsWhereTheImageCameFrom() {
        RemoteImage image = registry.add("v1", "lower", "upper");
        ImageDistribution.Pulled pulled = distribution().pull("127.0.0.1:5000/team/app:v1", "", SECRET, ALICE, lines);

        assertEquals(image.config().digest(), pulled.imageId());
        assertEquals("127.0.0.1:5000/team/app:v1", pulled.reference());
        assertTrue(store.hasBlob(image.config().digest()));
        image.layers().forEach(l -> assertTrue(store.hasBlob(l.digest())));
        ImagePulled event = (ImagePulled) stored().get(stored().size() - 1);
        assertEquals(new ImagePulled(image.config().digest(), "127.0.0.1:5000/team/app:v1", "127.0.0.1:5000",
                image.manifestDigest(), image.layers().stream().map(Descriptor::digest).toList(), 42, true, ALICE,
                event.at()), event);
        assertTrue(progress.contains(image.layers().get(0).digest() + " Pull complete"), progress.toString());
        assertTrue(progress.contains("Digest: " + image.manifestDigest()), progress.toString());
    }

    @Test
    void aLayerWhoseBytesAreNotItsDigestFailsThePullAndNothingIsRecorded() {
        RemoteImage image = registry.add("v1", "lower", "upper");
        registry.corrupt.put(image.layers().get(1).digest(), "tampered".getBytes());

        DomainException e = assertThrows(DomainException.class,
                () -> distribution().pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE, ALICE, lines));

        assertEquals(DomainException.Kind.INVALID, e.kind());
        assertFalse(store.hasBlob(image.layers().get(1).digest()));
        assertTrue(store.images.isEmpty());
        assertTrue(stored().isEmpty(), stored().toString());
        registry.corrupt.clear();
        assertEquals(image.config().digest(),
                distribution().pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE, ALICE, lines).imageId());
    }

    @Test
    void blobsAlreadyStoredAreNotFetchedAgain() {
        RemoteImage image = registry.add("v1", "lower", "upper");
        distribution().pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE, ALICE, lines);
        registry.fetched.clear();
        progress.clear();

        ImageDistribution.Pulled again = distribution().pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE,
                ALICE, lines);

        assertEquals(List.of(), registry.fetched);
        assertTrue(again.upToDate());
        assertTrue(progress.contains(image.layers().get(0).digest() + " Already exists"), progress.toString());
        assertEquals(2, stored().stream().filter(ImagePulled.class::isInstance).count());
    }

    @Test
    void aNonAdminMayNotPullANameThatPointsAtAnotherImage() {
        registry.add("v1", "first");
        distribution().pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE, ROOT, lines);
        RemoteImage moved = registry.add("v1", "second");
        registry.fetched.clear();

        DomainException e = assertThrows(DomainException.class,
                () -> distribution().pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE, ALICE, lines));

        assertEquals(DomainException.Kind.DENIED, e.kind());
        assertEquals(List.of(), registry.fetched);
        assertTrue(stored().get(stored().size() - 1) instanceof AccessDenied);
        assertEquals(moved.config().digest(),
                distribution().pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE, ROOT, lines).imageId());
    }

    @Test
    void aCredentialTheRegistryEchoesNeverReachesTheError() {
        registry.refusal = new DomainException(DomainException.Kind.DENIED, "unauthorized: bad password hunter2-secret");

        DomainException e = assertThrows(DomainException.class,
                () -> distribution().pull("127.0.0.1:5000/app:v1", "", SECRET, ALICE, lines));

        assertEquals(DomainException.Kind.DENIED, e.kind());
        assertFalse(e.getMessage().contains("hunter2-secret"), e.getMessage());
        DomainException login = assertThrows(DomainException.class,
                () -> distribution().login("127.0.0.1:5000", SECRET, ALICE));
        assertFalse(login.getMessage().contains("hunter2-secret"), login.getMessage());
    }

    @Test
    void twoPullsOfOneLayerAtOnceFetchItOnce() throws Exception {
        RemoteImage image = registry.add("v1", "shared");
        registry.add("v2", "shared");
        CountDownLatch twoAsked = new CountDownLatch(1);
        registry.beforeBlob = digest -> {
            if (!digest.equals(image.layers().get(0).digest())) {
                return;
            }
            try {
                twoAsked.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        distribution();
        ExecutorService pullers = Executors.newFixedThreadPool(2);
        try {
            Future<?> one = pullers.submit(() -> distribution.pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE,
                    ALICE, lines));
            Future<?> two = pullers.submit(() -> distribution.pull("127.0.0.1:5000/app:v2", "", RegistryCredentials.NONE,
                    ALICE, lines));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> progress.contains(image.layers().get(0).digest() + " Waiting"));
            twoAsked.countDown();
            one.get(10, TimeUnit.SECONDS);
            two.get(10, TimeUnit.SECONDS);
        } finally {
            pullers.shutdownNow();
        }
        assertEquals(1, registry.fetched.stream().filter(image.layers().get(0).digest()::equals).count());
    }
}
