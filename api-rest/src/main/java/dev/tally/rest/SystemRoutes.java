package dev.tally.rest;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerPruning;
import dev.tally.domain.container.ContainerStats;
import dev.tally.domain.container.ContainerStatus;
import dev.tally.domain.container.query.ContainerView;
import dev.tally.domain.image.query.ImageView;
import dev.tally.domain.volume.VolumePruning;
import dev.tally.domain.volume.query.VolumeView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the daemon holds and sweeping it: {@code GET /system/df} (what the caller may see: their
 * containers and volumes, every image) and the prune endpoints: containers and volumes (only the
 * caller's own; an admin's: anyone's), networks (tally has none to prune: it answers that none was
 * removed), and the build cache (tally has no builder: 400). Image prune is not here.
 */
public final class SystemRoutes implements DockerApi.Routes {

    /** Go's durations as the CLI passes {@code until=24h}. */
    private static final Pattern DURATION = Pattern.compile("([0-9]+(\\.[0-9]+)?)(h|m|s|ms)");

    private final DockerApi.UseCases useCases;
    private final ContainerStats stats;
    private final ContainerPruning containers;
    private final VolumePruning volumes;

    public SystemRoutes(DockerApi.UseCases useCases, ContainerStats stats, ContainerPruning containers, VolumePruning volumes) {
        this.useCases = useCases;
        this.stats = stats;
        this.containers = containers;
        this.volumes = volumes;
    }

    @Override
    public void mount(Router r) {
        r.get("/system/df").handler(ctx -> Call.run(ctx, this::diskUsage, Call.json(ctx)));
        r.post("/containers/prune").handler(ctx -> Call.run(ctx, caller -> {
            Predicate<ContainerView> wanted = containerFilter(Filters.parse(ctx.request().getParam("filters")));
            ContainerPruning.Pruned p = containers.prune(wanted, caller);
            return new JsonObject().put("ContainersDeleted", p.ids().isEmpty() ? null : new JsonArray(p.ids()))
                    .put("SpaceReclaimed", p.bytes());
        }, Call.json(ctx)));
        r.post("/volumes/prune").handler(ctx -> Call.run(ctx, caller -> {
            Map<String, List<String>> filters = Filters.parse(ctx.request().getParam("filters"));
            // API 1.42 and later prune anonymous volumes only, unless all=true; earlier ones every unused volume
            boolean all = olderThan142(ctx) || filters.getOrDefault("all", List.of()).stream().anyMatch(SystemRoutes::truthy);
            filters.remove("all");
            VolumePruning.Pruned p = volumes.prune(all, volumeFilter(filters), caller);
            return new JsonObject().put("VolumesDeleted", p.names().isEmpty() ? null : new JsonArray(p.names()))
                    .put("SpaceReclaimed", p.bytes());
        }, Call.json(ctx)));
        r.post("/networks/prune").handler(ctx -> Call.run(ctx, caller -> {
            Filters.parse(ctx.request().getParam("filters"));
            return new JsonObject().put("NetworksDeleted", null); // host and none are built in; there is no other
        }, Call.json(ctx)));
        r.post("/build/prune").handler(ctx -> ErrorMapper.send(ctx.response(), DomainException.invalid(
                "build cache prune is not supported: tally has no builder, so no build cache")));
    }

    private JsonObject diskUsage(dev.tally.domain.Actor caller) {
        List<ContainerView> seen = useCases.containers().visible().list(true, caller);
        JsonArray containerList = new JsonArray();
        Map<String, Integer> users = new LinkedHashMap<>();
        Instant now = Instant.now();
        for (ContainerView c : seen) {
            users.merge(c.imageId(), 1, Integer::sum);
            JsonObject summary = DockerJson.summary(c, now);
            summary.put("SizeRw", stats.writableBytes(c));
            summary.put("SizeRootFs", stats.writableBytes(c) + useCases.imageQueries().list().stream()
                    .filter(i -> i.id().equals(c.imageId())).mapToLong(ImageView::size).findFirst().orElse(0));
            containerList.add(summary);
        }
        JsonArray images = new JsonArray();
        long layers = 0;
        for (ImageView i : useCases.images().visible().list(caller)) { // the images the caller may use
            layers += i.size();
            // VirtualSize: what the docker CLI 20.10 (API 1.41) counts images by; removed from the API in 1.44
            images.add(DockerJson.imageSummary(i).put("SharedSize", 0).put("VirtualSize", i.size())
                    .put("Containers", users.getOrDefault(i.id(), 0)));
        }
        Set<String> mounted = volumes.inUse();
        Map<String, Long> refs = new LinkedHashMap<>();
        for (ContainerView c : useCases.containerQueries().list(true)) {
            c.config().mounts().stream().filter(m -> m.isVolume()).forEach(m -> refs.merge(m.source(), 1L, Long::sum));
        }
        JsonArray volumeList = new JsonArray();
        for (VolumeView v : useCases.volumes().list(caller)) {
            volumeList.add(new JsonObject()
                    .put("Name", v.name())
                    .put("Driver", "local")
                    .put("Mountpoint", useCases.volumes().mountpoint(v.name()))
                    .put("CreatedAt", v.created().toString())
                    .put("Labels", new JsonObject(new LinkedHashMap<>(v.labels())))
                    .put("Scope", "local")
                    .put("Options", new JsonObject())
                    .put("UsageData", new JsonObject().put("Size", volumes.bytes(v.name()))
                            .put("RefCount", mounted.contains(v.name()) ? refs.getOrDefault(v.name(), 0L) : 0L)));
        }
        return new JsonObject().put("LayersSize", layers).put("Images", images).put("Containers", containerList)
                .put("Volumes", volumeList).put("BuildCache", new JsonArray());
    }

    /** {@code until} (a time, or a duration before now), {@code label} and {@code label!}, as dockerd's container prune takes them. */
    static Predicate<ContainerView> containerFilter(Map<String, List<String>> filters) {
        Predicate<ContainerView> wanted = c -> c.status() != ContainerStatus.RUNNING;
        for (Map.Entry<String, List<String>> f : filters.entrySet()) {
            List<String> values = f.getValue();
            switch (f.getKey()) {
                case "until" -> {
                    for (String u : values) {
                        wanted = wanted.and(ContainerPruning.createdBefore(until(u)));
                    }
                }
                case "label" -> wanted = wanted.and(c -> values.stream().allMatch(l -> hasLabel(c.config().labels(), l)));
                case "label!" -> wanted = wanted.and(c -> values.stream().noneMatch(l -> hasLabel(c.config().labels(), l)));
                default -> throw DomainException.invalid("invalid filter '" + f.getKey() + "'");
            }
        }
        return wanted;
    }

    static Predicate<VolumeView> volumeFilter(Map<String, List<String>> filters) {
        Predicate<VolumeView> wanted = v -> true;
        for (Map.Entry<String, List<String>> f : filters.entrySet()) {
            List<String> values = f.getValue();
            switch (f.getKey()) {
                case "label" -> wanted = wanted.and(v -> values.stream().allMatch(l -> hasLabel(v.labels(), l)));
                case "label!" -> wanted = wanted.and(v -> values.stream().noneMatch(l -> hasLabel(v.labels(), l)));
                default -> throw DomainException.invalid("invalid filter '" + f.getKey() + "'");
            }
        }
        return wanted;
    }

    private static boolean hasLabel(Map<String, String> labels, String filter) {
        int eq = filter.indexOf('=');
        return eq < 0 ? labels.containsKey(filter) : filter.substring(eq + 1).equals(labels.get(filter.substring(0, eq)));
    }

    /** A time as dockerd reads {@code until}: RFC 3339, Unix seconds, or a duration back from now ({@code 24h}, {@code 90m}). */
    static Instant until(String value) {
        Matcher m = DURATION.matcher(value);
        if (m.matches()) {
            double n = Double.parseDouble(m.group(1));
            long millis = (long) (n * switch (m.group(3)) {
                case "h" -> 3_600_000;
                case "m" -> 60_000;
                case "s" -> 1000;
                default -> 1;
            });
            return Instant.now().minus(Duration.ofMillis(millis));
        }
        return QueryValues.instant("until", value, false);
    }

    private static boolean truthy(String v) {
        return v.equalsIgnoreCase("true") || v.equals("1");
    }

    /** Whether the request named an API version before 1.42 in its path (none named: the newest). */
    private static boolean olderThan142(RoutingContext ctx) {
        String asked = ctx.get(DockerApi.ASKED_VERSION);
        if (asked == null) {
            return false;
        }
        String[] p = asked.split("\\.");
        int major = Integer.parseInt(p[0]);
        return major < 1 || major == 1 && Integer.parseInt(p[1]) < 42;
    }
}
