package dev.tally.domain.image;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.image.command.RecordPull;
import dev.tally.domain.image.command.RecordPush;
import dev.tally.domain.image.query.ImageView;
import dev.tally.domain.image.registry.Descriptor;
import dev.tally.domain.image.registry.Registry;
import dev.tally.domain.image.registry.RegistryCredentials;
import dev.tally.domain.image.registry.RemoteImage;
import dev.tally.domain.image.registry.RemoteReference;
import dev.tally.domain.image.registry.TransferProgress;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * Pull (and push) between registries and the image store. A pull checks the registries policy,
 * resolves the name to one manifest, checks that the caller may point the name there
 * ({@link ImageService#checkMove}, before a byte of a blob is fetched), stores the config and the
 * layers a few at a time (each verified against its digest while it streams, those present skipped,
 * one fetch per blob however many pulls want it), then the image, and only then records
 * {@code ImagePulled} and, when the name moved, an {@code ImageReferenceMoved} (one append)
 * ({@link ImageService#moveReference}). A pull that fails records nothing and leaves only complete,
 * verified blobs behind. A push finds its image among those the caller may use
 * ({@link ImageService#require}). No credential enters an event or an error.
 */
public class ImageDistribution {

    /**
     * Layers fetched at once by one pull, as skopeo's copy: on two cores shared with other work, ten
     * 10 MiB layers six at a time took 0.75 of the time they took three at a time (medians of 10
     * pulls alternated between two tallyd; most of a layer's time is its digests, decompression and
     * writes, so more layers at once keep both cores busy to the last layer).
     */
    static final int PARALLEL_LAYERS = 6;
    /** Blobs uploaded at once by one push. */
    static final int PARALLEL_UPLOADS = 3;

    private final CommandGateway commands;
    private final Registry registry;
    private final ImageStore store;
    private final ImageService images;
    private final Executor transfers;
    /** The blobs being fetched now, by digest: a second pull of one waits for the first. */
    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();

    /**
     * @param transfers runs the layer fetches and uploads; needs {@link #PARALLEL_LAYERS} threads per pull
     *                  and {@link #PARALLEL_UPLOADS} per push at once
     */
    public ImageDistribution(CommandGateway commands, Registry registry, ImageStore store, ImageService images,
                             Executor transfers) {
        this.commands = commands;
        this.registry = registry;
        this.store = store;
        this.images = images;
        this.transfers = transfers;
    }

    /**
     * What a pull did.
     *
     * @param reference   the name it now points, normalized
     * @param upToDate    whether nothing was fetched and the name did not move
     */
    public record Pulled(String imageId, String reference, String manifestDigest, boolean upToDate) {
    }

    /**
     * Pulls {@code name} ({@code busybox}, {@code host:5000/app:1}, {@code app@sha256:…}) for a
     * platform ({@code os/arch[/variant]}, empty for linux/amd64). Errors as {@link Registry}'s, and
     * DENIED (recorded) when this caller may not pull from there or move the name (decided before a
     * blob is fetched, and again once the image is stored).
     */
    public Pulled pull(String name, String platform, RegistryCredentials credentials, Actor actor,
                       TransferProgress progress) {
        try {
            return pullNow(RemoteReference.parse(name), platform, credentials, actor, progress);
        } catch (DomainException e) {
            throw scrubbed(e, credentials);
        }
    }

    private Pulled pullNow(RemoteReference ref, String platform, RegistryCredentials credentials, Actor actor,
                           TransferProgress progress) {
        images.checkPull(ref.familiar(), actor);
        String reference = ImageReference.normalizedOrAsIs(ref.familiar());
        boolean movesName = !reference.contains("@");
        try (Registry.Session session = registry.open(ref, credentials, false)) {
            RemoteImage image = session.resolve(ref.tagOrDigest(), platform);
            String imageId = image.config().digest();
            if (movesName) {
                images.checkMove(reference, imageId, actor, "image.pull");
            }
            progress.status(ref.tagOrDigest(), "Pulling from " + ref.repository());
            // the manifest's blob is stored (and synced) while the layers download, not after them
            Runnable storeManifest = () -> store.putBlob(image.manifestDigest(), image.manifest().length,
                    new java.io.ByteArrayInputStream(image.manifest()));
            boolean fetched = fetchBlobs(session, image.config(), image.layers(), progress, storeManifest);
            ImageStore.StoredImage stored = store.storeImage(image.manifest(), image.mediaType());
            if (!stored.id().equals(imageId)) {
                throw new DomainException(DomainException.Kind.FAILED, "the stored image's id " + stored.id()
                        + " is not its config's digest " + imageId);
            }
            List<String> layers = image.layers().stream().map(Descriptor::digest).toList();
            Consumer<String> record = movedFrom -> commands.sendAndWait(new RecordPull(imageId,
                    reference, ref.registry(), image.manifestDigest(), layers, stored.size(), credentials.present(),
                    movedFrom, actor));
            boolean moved = false;
            if (movesName) { // ImagePulled and the move in one append
                moved = images.moveReferenceRecording(reference, imageId, "pull", actor, record);
            } else {
                record.accept(null);
            }
            progress.status("", "Digest: " + image.manifestDigest());
            return new Pulled(imageId, reference, image.manifestDigest(), !fetched && !moved);
        }
    }

    /**
     * The config and the layers, {@link #PARALLEL_LAYERS} at once (the config first, beside the first
     * layers rather than a round trip before them); returns whether any was fetched, once every layer
     * fetched is stored. A worker takes its next blob as soon as a layer is verified and unpacked, while
     * the store makes that one durable in the background ({@link ImageStore#putLayerSyncingLater}): the
     * disk writes a layer while the next downloads. The first blob that fails, there too, stops the
     * others ({@link TransferGroup}): the pull fails with it once every worker let go. {@code meanwhile}
     * runs on the calling thread while the workers fetch; its failure stops them as a blob's does.
     */
    private boolean fetchBlobs(Registry.Session session, Descriptor config, List<Descriptor> layers,
                               TransferProgress progress, Runnable meanwhile) {
        ConcurrentLinkedQueue<Descriptor> queue = new ConcurrentLinkedQueue<>();
        queue.add(config);
        queue.addAll(layers);
        for (Descriptor l : layers) {
            progress.layer(l.digest(), "Pulling fs layer", 0, 0);
        }
        boolean[] fetched = new boolean[1];
        TransferGroup group = new TransferGroup();
        List<CompletableFuture<?>> storing = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        int parallel = Math.min(PARALLEL_LAYERS, 1 + layers.size());
        for (int i = 0; i < parallel; i++) {
            workers.add(CompletableFuture.runAsync(() -> {
                Descriptor next;
                while (!group.stopped() && (next = queue.poll()) != null) {
                    try {
                        if (fetch(session, next, progress, next != config, group, storing)) {
                            synchronized (fetched) {
                                fetched[0] = true;
                            }
                        }
                    } catch (RuntimeException e) {
                        queue.clear();
                        group.fail(e);
                        throw e;
                    }
                }
            }, transfers));
        }
        try {
            meanwhile.run();
        } catch (RuntimeException e) {
            queue.clear();
            group.fail(e);
        }
        try {
            await(workers, queue);
        } catch (RuntimeException e) { // one of the failures, once every worker ended: tell the first
            throw group.failure() != null ? group.failure() : e;
        }
        if (group.failure() != null) {
            throw group.failure();
        }
        for (CompletableFuture<?> stored : storing) {
            try {
                stored.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DomainException(DomainException.Kind.FAILED, "interrupted");
            } catch (ExecutionException e) {
                throw group.failure() != null ? group.failure() : unwrapped(e.getCause());
            }
        }
        return fetched[0];
    }

    /**
     * One blob into the store, unless it is there; if another pull is fetching it, waits for that one
     * until it is stored (and fetches it itself if that one failed). Returns whether this call fetched
     * it; adds to {@code storing} what completes once it is stored, and another pull waits for that.
     */
    private boolean fetch(Registry.Session session, Descriptor blob, TransferProgress progress, boolean layer,
                          TransferGroup group, List<CompletableFuture<?>> storing) {
        while (true) {
            if (store.hasBlob(blob.digest())) {
                if (layer) {
                    progress.layer(blob.digest(), "Already exists", 0, 0);
                }
                return false;
            }
            CompletableFuture<Void> mine = new CompletableFuture<>();
            CompletableFuture<Void> theirs = inFlight.putIfAbsent(blob.digest(), mine);
            if (theirs != null) {
                if (layer) {
                    progress.layer(blob.digest(), "Waiting", 0, 0);
                }
                try {
                    theirs.join();
                } catch (CompletionException | java.util.concurrent.CancellationException failed) {
                    // theirs failed: try again, maybe as the one that fetches
                }
                continue;
            }
            CompletableFuture<?> stored;
            try {
                stored = transfer(session, blob, progress, layer, group);
            } catch (RuntimeException e) {
                inFlight.remove(blob.digest(), mine);
                mine.completeExceptionally(e);
                throw e;
            }
            storing.add(stored.whenComplete((done, failed) -> {
                inFlight.remove(blob.digest(), mine);
                if (failed == null) {
                    mine.complete(null);
                } else {
                    group.fail(unwrapped(failed));
                    mine.completeExceptionally(failed);
                }
            }));
            return true;
        }
    }

    /** One blob read into the store: what completes once it is stored (a layer's files may still be synced when this returns). */
    private CompletableFuture<?> transfer(Registry.Session session, Descriptor blob, TransferProgress progress,
                                          boolean layer, TransferGroup group) {
        InputStream opened = group.open(() -> session.openBlob(blob), "blob " + blob.digest());
        try (InputStream in = opened) {
            if (!layer) {
                store.putBlob(blob.digest(), blob.size(), in);
                return CompletableFuture.completedFuture(null);
            }
            InputStream counted = new CountingStream(in, n -> progress.layer(blob.digest(), "Downloading", n, blob.size()));
            CompletableFuture<String> stored = store.putLayerSyncingLater(blob.digest(), blob.size(), blob.mediaType(),
                    counted);
            progress.layer(blob.digest(), "Pull complete", blob.size(), blob.size());
            return stored;
        } catch (IOException e) {
            throw DomainException.failed("fetch " + blob.digest(), e);
        } finally {
            group.release(opened);
        }
    }

    private static RuntimeException unwrapped(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof RuntimeException r) {
            return r;
        }
        return new DomainException(DomainException.Kind.FAILED, "pull: " + t.getMessage(), t);
    }

    /**
     * What a push did.
     *
     * @param size the manifest's size in bytes
     */
    public record Pushed(String reference, String tag, String manifestDigest, long size) {
    }

    /**
     * Pushes the local image {@code name} names to its registry: each blob the registry lacks is
     * mounted from another repository of that registry the image came from, or uploaded ({@link
     * #PARALLEL_UPLOADS} at once); then the manifest, exactly as stored (nothing is recompressed); then
     * {@code ImagePushed}. The first upload that fails stops the others ({@link TransferGroup}) and the
     * push fails with it, before the manifest. Pushing again uploads nothing. NOT_FOUND when no such image is here or the
     * caller may not use it (recorded); DENIED (recorded) when the policy keeps this caller from the registry.
     */
    public Pushed push(String name, RegistryCredentials credentials, Actor actor, TransferProgress progress) {
        try {
            return pushNow(RemoteReference.parse(name), credentials, actor, progress);
        } catch (DomainException e) {
            throw scrubbed(e, credentials);
        }
    }

    private Pushed pushNow(RemoteReference ref, RegistryCredentials credentials, Actor actor, TransferProgress progress) {
        if (ref.tag().isEmpty()) {
            throw DomainException.invalid("push needs a tag, not a digest: " + ref.familiar());
        }
        images.checkPush(ref.familiar(), actor);
        String reference = ImageReference.normalizedOrAsIs(ref.familiar());
        ImageView local;
        try {
            local = images.require(reference, actor, "image.push");
        } catch (DomainException e) {
            if (e.kind() != DomainException.Kind.NOT_FOUND) {
                throw e;
            }
            throw DomainException.notFound("An image does not exist locally with the tag: " + ref.familiarName());
        }
        ImageStore.Manifest manifest = store.manifest(local.id());
        RemoteImage image = registry.describe(manifest.bytes(), manifest.mediaType());
        List<String> mountFrom = local.tags().stream().map(ImageDistribution::parsedOrNull)
                .filter(t -> t != null && t.registry().equals(ref.registry()) && !t.repository().equals(ref.repository()))
                .map(RemoteReference::repository).distinct().toList();
        try (Registry.Session session = registry.open(ref, credentials, true)) {
            progress.status("", "The push refers to repository [" + ref.registry() + "/" + ref.repository() + "]");
            List<String> uploaded = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (Descriptor l : image.layers()) {
                progress.layer(l.digest(), "Preparing", 0, 0);
            }
            List<Descriptor> blobs = new ArrayList<>(image.layers());
            blobs.add(image.config());
            ConcurrentLinkedQueue<Descriptor> queue = new ConcurrentLinkedQueue<>(blobs);
            TransferGroup group = new TransferGroup();
            List<CompletableFuture<Void>> workers = new ArrayList<>();
            for (int i = 0; i < Math.min(PARALLEL_UPLOADS, blobs.size()); i++) {
                workers.add(CompletableFuture.runAsync(() -> {
                    Descriptor next;
                    while (!group.stopped() && (next = queue.poll()) != null) {
                        try {
                            send(session, next, next != image.config(), mountFrom, progress, uploaded, group);
                        } catch (RuntimeException e) {
                            queue.clear(); // the other workers take no new blob once one failed
                            group.fail(e); // and stop the uploads they are reading
                            throw e;
                        }
                    }
                }, transfers));
            }
            try {
                await(workers, queue);
            } catch (RuntimeException e) { // one of the failures, once every worker ended: tell the first
                throw group.failure() != null ? group.failure() : e;
            }
            String digest = session.putManifest(ref.tag(), image.mediaType(), manifest.bytes());
            List<String> layers = image.layers().stream().map(Descriptor::digest).toList();
            commands.sendAndWait(new RecordPush(local.id(), reference, ref.registry(), digest, layers,
                    List.copyOf(uploaded), actor));
            return new Pushed(reference, ref.tag(), digest, manifest.bytes().length);
        }
    }

    /**
     * One blob to the registry: there already, mounted, or uploaded from the store, read through the
     * push's {@link TransferGroup} (another blob's failure stops this upload at its next read).
     */
    private void send(Registry.Session session, Descriptor blob, boolean layer, List<String> mountFrom,
                      TransferProgress progress, List<String> uploaded, TransferGroup group) {
        if (session.hasBlob(blob.digest())) {
            if (layer) {
                progress.layer(blob.digest(), "Layer already exists", 0, 0);
            }
            return;
        }
        for (String from : mountFrom) {
            if (session.mountBlob(blob, from)) {
                if (layer) {
                    progress.layer(blob.digest(), "Mounted from " + from, 0, 0);
                }
                return;
            }
        }
        long size = store.blobSize(blob.digest());
        // opened again at the offset the registry acknowledged when an upload resumes
        session.uploadBlob(new Descriptor(blob.mediaType(), blob.digest(), size), offset -> {
            InputStream opened = group.open(() -> store.openBlob(blob.digest()), "upload of " + blob.digest());
            InputStream in = new java.io.FilterInputStream(opened) {
                @Override
                public void close() throws IOException {
                    group.release(opened);
                    super.close();
                }
            };
            try {
                in.skipNBytes(offset);
            } catch (IOException e) {
                in.close();
                throw e;
            }
            return !layer ? in : new CountingStream(in, n -> progress.layer(blob.digest(), "Pushing", offset + n, size));
        });
        uploaded.add(blob.digest());
        if (layer) {
            progress.layer(blob.digest(), "Pushed", size, size);
        }
    }

    private static RemoteReference parsedOrNull(String name) {
        try {
            return RemoteReference.parse(name);
        } catch (DomainException notAName) {
            return null;
        }
    }

    private static void await(List<CompletableFuture<Void>> workers, ConcurrentLinkedQueue<Descriptor> queue) {
        try {
            CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get();
        } catch (InterruptedException e) {
            queue.clear();
            Thread.currentThread().interrupt();
            throw new DomainException(DomainException.Kind.FAILED, "interrupted");
        } catch (ExecutionException e) {
            queue.clear();
            throw unwrapped(e.getCause());
        }
    }

    /**
     * Checks credentials against a registry, as {@code docker login} does ({@code serverAddress} as the
     * docker CLI sends it: {@code host:port}, a URL, or Docker Hub's {@code https://index.docker.io/v1/}).
     * Returns an identity token the registry issued, or empty. DENIED for refused credentials.
     */
    public String login(String serverAddress, RegistryCredentials credentials, Actor actor) {
        String registryName = registryOf(serverAddress);
        if (!credentials.present()) {
            throw DomainException.invalid("a login needs a user name and password, or an identity token");
        }
        try {
            return registry.login(registryName, credentials);
        } catch (DomainException e) {
            throw scrubbed(e, credentials);
        }
    }

    /** The registry a server address names: its host and port, Docker Hub's addresses as {@code docker.io}. */
    static String registryOf(String serverAddress) {
        String s = serverAddress == null ? "" : serverAddress.strip();
        if (s.startsWith("https://")) {
            s = s.substring(8);
        } else if (s.startsWith("http://")) {
            s = s.substring(7);
        }
        int slash = s.indexOf('/');
        if (slash >= 0) {
            s = s.substring(0, slash);
        }
        if (s.isEmpty() || s.equals("index.docker.io") || s.equals("registry-1.docker.io") || s.equals("docker.io")) {
            return RemoteReference.DOCKER_HUB;
        }
        RemoteReference.parse(s + "/x");
        return s.toLowerCase(java.util.Locale.ROOT);
    }

    /** The same error, with any credential cut out of its message (a registry may echo what it was sent). */
    static DomainException scrubbed(DomainException e, RegistryCredentials credentials) {
        String message = String.valueOf(e.getMessage());
        String clean = message;
        for (String secret : credentials.secrets()) {
            clean = clean.replace(secret, "***");
        }
        return clean.equals(message) ? e : new DomainException(e.kind(), clean);
    }
}
