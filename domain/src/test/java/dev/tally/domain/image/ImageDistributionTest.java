package dev.tally.domain.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.KeyedLocks;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.access.AccessPolicy;
import dev.tally.domain.access.event.AccessDenied;
import dev.tally.domain.image.event.ImagePulled;
import dev.tally.domain.image.event.ImageReferenceMoved;
import dev.tally.domain.image.registry.Descriptor;
import dev.tally.domain.image.registry.RegistryCredentials;
import dev.tally.domain.image.registry.RemoteImage;
import dev.tally.domain.image.registry.TransferProgress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.axonframework.config.Configuration;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ImageDistributionTest {

    static final Actor ROOT = new Actor(0, 0, "root", 1, "unix:pid=1");
    static final Actor ALICE = new Actor(1000, 1000, "alice", 42, "unix:pid=42");
    static final RegistryCredentials SECRET = new RegistryCredentials("alice", "hunter2-secret", "");

    private final InMemoryEventStorageEngine events = new InMemoryEventStorageEngine();
    private final InMemoryImageViews views = new InMemoryImageViews();
    private final Configuration axon = DefaultConfigurer.defaultConfiguration()
            .configureEmbeddedEventStore(c -> events).configureAggregate(Image.class)
            .eventProcessing(ep -> ep.usingSubscribingEventProcessors().registerEventHandler(c -> views))
            .buildConfiguration();
    private final FakeRegistry registry = new FakeRegistry();
    private final FakePullStore store = new FakePullStore(registry);
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private ImageDistribution distribution;
    private AccessPolicy policy = AccessPolicy.defaults();

    private ImageDistribution distribution() {
        if (distribution == null) {
            axon.start();
            AccessControl access = new AccessControl(axon.eventGateway(), policy);
            KeyedLocks locks = new KeyedLocks() {
                @Override
                public synchronized <T> T exclusively(String key, java.util.function.Supplier<T> steps) {
                    return steps.get();
                }
            };
            distribution = new ImageDistribution(axon.commandGateway(), registry, store,
                    new ImageService(axon.commandGateway(), store, views, access, locks), threads);
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
        ImagePulled event = (ImagePulled) stored().stream().filter(ImagePulled.class::isInstance).findFirst().orElseThrow();
        assertEquals(new ImagePulled(image.config().digest(), "127.0.0.1:5000/team/app:v1", "127.0.0.1:5000",
                image.manifestDigest(), image.layers().stream().map(Descriptor::digest).toList(), 42, true, ALICE,
                event.at()), event);
        assertTrue(progress.contains(image.layers().get(0).digest() + " Pull complete"), progress.toString());
        assertTrue(progress.contains("Digest: " + image.manifestDigest()), progress.toString());
    }

    @Test
    void theManifestIsStoredWhileTheLayersDownloadNotAfterThem() {
        RemoteImage image = registry.add("v1", "lower", "upper");
        CountDownLatch manifestStored = new CountDownLatch(1);
        store.afterPutBlob = digest -> {
            if (digest.equals(image.manifestDigest())) {
                manifestStored.countDown();
            }
        };
        List<Boolean> layerFetchesSawIt = new CopyOnWriteArrayList<>();
        List<String> layers = image.layers().stream().map(Descriptor::digest).toList();
        registry.beforeBlob = digest -> {
            if (layers.contains(digest)) {
                try {
                    layerFetchesSawIt.add(manifestStored.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };

        distribution().pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE, ALICE, lines);

        assertEquals(List.of(true, true), layerFetchesSawIt);
        assertTrue(store.hasBlob(image.manifestDigest()));
    }

    @Test
    void aManifestThatCannotBeStoredStopsTheLayersAndNothingIsRecorded() {
        RemoteImage image = registry.add("v1", "lower", "upper");
        store.afterPutBlob = digest -> {
            if (digest.equals(image.manifestDigest())) {
                throw DomainException.failed("store blob " + digest, new java.io.IOException("No space left on device"));
            }
        };

        DomainException e = assertThrows(DomainException.class,
                () -> distribution().pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE, ALICE, lines));

        assertTrue(e.getMessage().contains("no space left on device"), e.getMessage());
        assertTrue(store.images.isEmpty());
        assertTrue(stored().isEmpty(), stored().toString());
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

    static final Actor BOB = new Actor(1001, 1001, "bob", 43, "unix:pid=43");

    private List<ImageReferenceMoved> moves() {
        return stored().stream().filter(ImageReferenceMoved.class::isInstance).map(ImageReferenceMoved.class::cast).toList();
    }

    @Test
    void everyPullThatMovesANameRecordsTheMoveWithTheImageItLeft() {
        RemoteImage first = registry.add("v1", "first");
        distribution().pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE, ALICE, lines);
        assertEquals(List.of(new ImageReferenceMoved(first.config().digest(), "127.0.0.1:5000/app:v1", "", "pull", ALICE,
                moves().get(0).at())), moves());

        RemoteImage second = registry.add("v1", "second");
        ImageDistribution.Pulled moved = distribution().pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE,
                ALICE, lines);

        assertFalse(moved.upToDate());
        ImageReferenceMoved last = moves().get(moves().size() - 1);
        assertEquals(new ImageReferenceMoved(second.config().digest(), "127.0.0.1:5000/app:v1", first.config().digest(),
                "pull", ALICE, last.at()), last);
        ImageDistribution.Pulled again = distribution().pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE,
                BOB, lines);
        assertTrue(again.upToDate(), "a name that stays where it points is anyone's to pull");
        assertEquals(2, moves().size());
    }

    /** The pull's event and the move of its name are one command, so one append (one commit of the store). */
    @Test
    void aPullRecordsItsEventAndTheMoveOfItsNameInOneCommand() {
        List<String> commands = new CopyOnWriteArrayList<>();
        distribution();
        axon.commandBus().registerDispatchInterceptor(messages -> (i, m) -> {
            commands.add(m.getPayloadType().getSimpleName());
            return m;
        });
        RemoteImage image = registry.add("v1", "one");

        distribution().pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE, ALICE, lines);

        assertEquals(List.of("RecordPull"), commands);
        List<Object> events = stored();
        assertTrue(events.get(events.size() - 2) instanceof ImagePulled, events.toString());
        assertEquals(new ImageReferenceMoved(image.config().digest(), "127.0.0.1:5000/app:v1", "", "pull", ALICE,
                moves().get(0).at()), events.get(events.size() - 1));
    }

    @Test
    void aUserMayNotRetargetAnotherUsersNameByAPull() {
        registry.add("v1", "alices");
        distribution().pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE, ALICE, lines);
        registry.add("v1", "changed");
        registry.fetched.clear();

        DomainException e = assertThrows(DomainException.class,
                () -> distribution().pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE, BOB, lines));

        assertEquals(DomainException.Kind.DENIED, e.kind());
        assertTrue(e.getMessage().startsWith("authorization denied: 127.0.0.1:5000/app:v1 was pointed at its image by "
                + "another user"), e.getMessage());
        assertEquals(List.of(), registry.fetched);
        AccessDenied denied = (AccessDenied) stored().get(stored().size() - 1);
        assertEquals("image.pull", denied.action());
    }

    @Test
    void aPushFindsOnlyAnImageTheCallerMayUseAndTheRefusalIsRecorded() {
        registry.add("v1", "private");
        distribution().pull("127.0.0.1:5000/team/app:v1", "", SECRET, ALICE, lines);

        DomainException e = assertThrows(DomainException.class,
                () -> distribution().push("127.0.0.1:5000/team/app:v1", RegistryCredentials.NONE, BOB, lines));

        assertEquals(DomainException.Kind.NOT_FOUND, e.kind());
        assertEquals("An image does not exist locally with the tag: 127.0.0.1:5000/team/app", e.getMessage());
        AccessDenied denied = (AccessDenied) stored().get(stored().size() - 1);
        assertEquals("image.push", denied.action());
        assertEquals(List.of(), registry.pushed);
        distribution().push("127.0.0.1:5000/team/app:v1", SECRET, ALICE, lines);
        assertEquals(List.of("127.0.0.1:5000/team/app:v1"), registry.pushed);
    }

    @Test
    void usersPushOnlyToTheRegistriesThePolicyNames() {
        policy = new AccessPolicy(java.util.Set.of(), java.util.Set.of(), List.of(), java.util.Map.of(),
                java.util.Set.of(), java.util.Set.of("127.0.0.1:5000"));
        registry.add("v1", "anyones");
        distribution().pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE, ALICE, lines);
        distribution().push("127.0.0.1:5000/app:v1", RegistryCredentials.NONE, ALICE, lines);
        distribution().pull("127.0.0.1:6000/app:v1", "", RegistryCredentials.NONE, ALICE, lines);

        DomainException e = assertThrows(DomainException.class,
                () -> distribution().push("127.0.0.1:6000/app:v1", RegistryCredentials.NONE, ALICE, lines));

        assertEquals(DomainException.Kind.DENIED, e.kind());
        assertEquals("authorization denied: pushing to 127.0.0.1:6000 is not allowed by the daemon's policy (allowed "
                + "for users: 127.0.0.1:5000)", e.getMessage());
        AccessDenied denied = (AccessDenied) stored().get(stored().size() - 1);
        assertEquals("image.push", denied.action());
        distribution().push("127.0.0.1:6000/app:v1", RegistryCredentials.NONE, ROOT, lines);
        assertEquals(List.of("127.0.0.1:5000/app:v1", "127.0.0.1:6000/app:v1"), registry.pushed);
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

    /**
     * Layers are fetched several at once: a registry that serves the second layer only once the third
     * was asked for completes the pull (one layer at a time, it would wait for the third forever).
     */
    @Test
    void layersAreFetchedSeveralAtOnce() {
        RemoteImage image = registry.add("v1", "lower", "middle", "upper");
        String second = image.layers().get(1).digest();
        String third = image.layers().get(2).digest();
        CountDownLatch thirdAsked = new CountDownLatch(1);
        boolean[] secondWaited = new boolean[1];
        registry.beforeBlob = digest -> {
            if (digest.equals(third)) {
                thirdAsked.countDown();
            } else if (digest.equals(second)) {
                try {
                    secondWaited[0] = thirdAsked.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };

        distribution().pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE, ALICE, lines);

        assertTrue(secondWaited[0], "the third layer was asked for while the second was being served: " + registry.fetched + " " + image.layers());
        image.layers().forEach(l -> assertTrue(store.hasBlob(l.digest())));
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void theNextLayersAreFetchedWhileTheFirstAreStillBeingStoredAndTheImageOnlyOnceAllAre() throws Exception {
        // more layers than the pull fetches at once: the last two are asked for only by workers done with one
        String[] texts = new String[ImageDistribution.PARALLEL_LAYERS + 2];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = "layer " + i;
        }
        RemoteImage image = registry.add("v1", texts);
        List<String> layers = image.layers().stream().map(Descriptor::digest).toList();
        store.syncing = new java.util.concurrent.CompletableFuture<>();

        Future<ImageDistribution.Pulled> pull = threads.submit(
                () -> distribution().pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE, ALICE, lines));

        org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> registry.fetched.containsAll(layers));
        assertEquals(List.of(), layers.stream().filter(store::hasBlob).toList(), "no layer is stored yet");
        assertFalse(pull.isDone());
        assertTrue(store.images.isEmpty());
        assertTrue(stored().stream().noneMatch(ImagePulled.class::isInstance));
        store.syncing.complete(null);
        assertEquals(image.config().digest(), pull.get(10, TimeUnit.SECONDS).imageId());
        layers.forEach(l -> assertTrue(store.hasBlob(l)));
        assertTrue(stored().stream().anyMatch(ImagePulled.class::isInstance));
    }

    @Test
    void aLayerTheStoreFailsToMakeDurableFailsThePullAndNothingIsRecorded() {
        RemoteImage image = registry.add("v1", "lower", "upper");
        store.syncing = java.util.concurrent.CompletableFuture.failedFuture(
                new DomainException(DomainException.Kind.FAILED, "sync the tree to the disk: Input/output error"));

        DomainException e = assertThrows(DomainException.class,
                () -> distribution().pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE, ALICE, lines));

        assertEquals(DomainException.Kind.FAILED, e.kind());
        assertTrue(e.getMessage().contains("Input/output error"), e.getMessage());
        assertTrue(store.images.isEmpty());
        assertTrue(stored().stream().noneMatch(ImagePulled.class::isInstance));
        store.syncing = null;
        assertEquals(image.config().digest(),
                distribution().pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE, ALICE, lines).imageId());
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aLayerThatFailsStopsTheOthersAtOnceNothingOfThemIsKeptAndARetryPulls() {
        // more layers than the pull fetches at once: the last is taken only once a worker is free
        String[] texts = new String[ImageDistribution.PARALLEL_LAYERS + 2];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = ("layer " + i + " ").repeat(10);
        }
        RemoteImage image = registry.add("v1", texts);
        List<String> layers = image.layers().stream().map(Descriptor::digest).toList();
        registry.failing.add(layers.get(0));
        registry.slow.addAll(layers.subList(1, layers.size())); // some 16 s each to serve whole
        CountDownLatch othersAsked = new CountDownLatch(2);
        registry.beforeBlob = digest -> { // the first layer fails once the next two are being fetched
            if (digest.equals(layers.get(1)) || digest.equals(layers.get(2))) {
                othersAsked.countDown();
            } else if (digest.equals(layers.get(0))) {
                try {
                    othersAsked.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        };

        long start = System.nanoTime();
        DomainException e = assertThrows(DomainException.class,
                () -> distribution().pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE, ALICE, lines));
        long took = System.nanoTime() - start;

        assertTrue(e.getMessage().contains(layers.get(0) + " broke"), "the first failure is told: " + e.getMessage());
        assertTrue(took < TimeUnit.SECONDS.toNanos(5), "the pull failed after " + took / 1_000_000 + " ms");
        assertFalse(registry.closedEarly.isEmpty(), "the layers being fetched were stopped");
        assertEquals(List.of(), layers.stream().filter(store::hasBlob).toList(), "nothing of the other layers is kept");
        assertTrue(stored().stream().noneMatch(ImagePulled.class::isInstance));
        String last = layers.get(layers.size() - 1);
        assertEquals(List.of(), registry.fetched.stream().filter(last::equals).toList(),
                "the layer no worker had started was not fetched");

        assertEquals(0, othersAsked.getCount(), "the other layers were being fetched when the first failed");
        registry.failing.clear();
        registry.slow.clear();
        distribution().pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE, ALICE, lines);
        layers.forEach(l -> assertTrue(store.hasBlob(l)));
        assertTrue(stored().stream().anyMatch(ImagePulled.class::isInstance));
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void anUploadThatFailsStopsTheOthersAtOnceNoManifestIsPutAndARetryPushes() {
        String[] texts = new String[ImageDistribution.PARALLEL_UPLOADS + 2];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = ("layer " + i + " ").repeat(10);
        }
        RemoteImage image = registry.add("v1", texts);
        distribution().pull("127.0.0.1:5000/app:v1", "", RegistryCredentials.NONE, ALICE, lines);
        registry.blobs.clear(); // the registry lacks every blob: the push uploads them all
        List<String> layers = image.layers().stream().map(Descriptor::digest).toList();
        registry.failing.add(layers.get(0));
        registry.slow.addAll(layers.subList(1, layers.size())); // some 16 s each to take whole
        CountDownLatch othersStarted = new CountDownLatch(2);
        registry.beforeBlob = digest -> { // the first upload fails once the next two are being taken
            if (digest.equals(layers.get(1)) || digest.equals(layers.get(2))) {
                othersStarted.countDown();
            } else if (digest.equals(layers.get(0))) {
                try {
                    othersStarted.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        };

        long start = System.nanoTime();
        DomainException e = assertThrows(DomainException.class,
                () -> distribution().push("127.0.0.1:5000/app:v1", RegistryCredentials.NONE, ALICE, lines));
        long took = System.nanoTime() - start;

        assertEquals(0, othersStarted.getCount(), "the other uploads were running when the first failed");
        assertTrue(e.getMessage().contains("upload of " + layers.get(0) + " broke"), "the first failure is told: " + e.getMessage());
        assertTrue(took < TimeUnit.SECONDS.toNanos(5), "the push failed after " + took / 1_000_000 + " ms");
        assertFalse(registry.uploadsStopped.isEmpty(), "the running uploads were stopped");
        assertFalse(registry.blobs.containsKey(layers.get(1)) || registry.blobs.containsKey(layers.get(2)),
                "no upload running beside the failed one went on to its end");
        assertEquals(List.of(), registry.pushed, "no manifest was put");
        String last = layers.get(layers.size() - 1);
        assertFalse(registry.uploadsStarted.contains(last), "the blob no worker had started was not uploaded");
        assertTrue(stored().stream().noneMatch(dev.tally.domain.image.event.ImagePushed.class::isInstance));

        registry.failing.clear();
        registry.slow.clear();
        distribution().push("127.0.0.1:5000/app:v1", RegistryCredentials.NONE, ALICE, lines);
        layers.forEach(l -> assertTrue(registry.blobs.containsKey(l)));
        assertEquals(List.of("127.0.0.1:5000/app:v1"), registry.pushed);
    }
}
