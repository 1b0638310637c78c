package dev.tally.rest;

import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.ContainerStatus;
import dev.tally.domain.container.event.ContainerExitUnknown;
import dev.tally.domain.container.query.ContainerView;
import dev.tally.domain.image.ImageDetails;
import dev.tally.domain.image.query.ImageView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;
import java.util.LinkedHashMap;
import java.util.List;

/** Docker Engine API shapes to and from tally's domain types. */
final class DockerJson {

    private static final Instant ZERO = Instant.parse("0001-01-01T00:00:00Z");
    static final String LOG_DRIVER = "json-file";
    /** The size of /dev/shm unless a container asks for another (Docker's default). */
    static final long DEFAULT_SHM_SIZE = 64L << 20;

    private DockerJson() {
    }

    static List<String> args(ContainerView v) {
        List<String> args = new ArrayList<>(v.config().entrypoint());
        args.addAll(v.config().cmd());
        return args;
    }

    /** An entry of {@code GET /containers/json}. */
    static JsonObject summary(ContainerView v, Instant now) {
        return new JsonObject()
                .put("Id", v.id())
                .put("Names", new JsonArray().add("/" + v.name()))
                .put("Image", v.config().image())
                .put("ImageID", v.imageId())
                .put("Command", String.join(" ", args(v)))
                .put("Created", v.created().getEpochSecond())
                .put("State", v.paused() ? "paused" : v.status().dockerName())
                .put("Status", status(v, now))
                .put("Ports", new JsonArray())
                .put("Labels", new JsonObject(new LinkedHashMap<>(v.config().labels())))
                .put("HostConfig", new JsonObject().put("NetworkMode", v.config().networkMode()))
                .put("Mounts", mounts(v));
    }

    /** {@code GET /containers/{id}/json}. */
    static JsonObject inspect(ContainerView v, Instant now) {
        ContainerConfig c = v.config();
        List<String> args = args(v);
        boolean running = v.status() == ContainerStatus.RUNNING;
        JsonObject state = new JsonObject()
                .put("Status", v.paused() ? "paused" : v.status().dockerName())
                .put("Running", running)
                .put("Paused", v.paused())
                .put("Restarting", false)
                .put("OOMKilled", false)
                .put("Dead", false)
                .put("Pid", running ? v.pid() : 0)
                .put("ExitCode", v.exitCode())
                .put("Error", v.error() == null ? "" : v.error())
                .put("StartedAt", (v.startedAt() == null ? ZERO : v.startedAt()).toString())
                .put("FinishedAt", (v.finishedAt() == null ? ZERO : v.finishedAt()).toString());
        JsonObject config = new JsonObject()
                .put("Hostname", c.hostname().isEmpty() ? v.id().substring(0, 12) : c.hostname())
                .put("User", c.user())
                .put("Tty", c.tty())
                .put("OpenStdin", c.openStdin())
                .put("Env", new JsonArray(new ArrayList<>(c.env())))
                .put("Cmd", c.cmd().isEmpty() ? null : new JsonArray(new ArrayList<>(c.cmd())))
                .put("Entrypoint", c.entrypoint().isEmpty() ? null : new JsonArray(new ArrayList<>(c.entrypoint())))
                .put("Image", c.image())
                .put("WorkingDir", c.workingDir())
                .put("Labels", new JsonObject(new LinkedHashMap<>(c.labels())));
        // as dockerd: only when set (its own, or the image's STOPSIGNAL merged at create)
        if (!c.stop().signal().isEmpty()) {
            config.put("StopSignal", c.stop().signal());
        }
        if (c.stop().timeoutSeconds() != null) {
            config.put("StopTimeout", c.stop().timeoutSeconds());
        }
        JsonObject hostConfig = new JsonObject()
                .put("Binds", new JsonArray(c.mounts().stream()
                        .map(m -> m.source() + ":" + m.target() + (m.readOnly() ? ":ro" : "")).toList()))
                .put("NetworkMode", c.networkMode())
                .put("AutoRemove", c.autoRemove())
                .put("Memory", c.limits().memoryBytes())
                .put("NanoCpus", c.limits().nanoCpus())
                .put("PidsLimit", c.limits().pidsLimit())
                .put("CpuShares", c.limits().cpuShares())
                .put("CpusetCpus", c.limits().cpusetCpus())
                .put("CpusetMems", c.limits().cpusetMems())
                .put("MemorySwap", c.limits().memorySwapBytes())
                .put("ShmSize", c.setup().shmSizeBytes() > 0 ? c.setup().shmSizeBytes() : DEFAULT_SHM_SIZE)
                .put("GroupAdd", list(c.setup().groupAdd()))
                .put("Init", c.setup().init() ? Boolean.TRUE : null)
                // as asked; empty: the host's default (a namespace of its own on cgroup v2, the host's on v1)
                .put("CgroupnsMode", c.setup().cgroupnsMode())
                .put("ExtraHosts", list(c.setup().extraHosts()))
                .put("Dns", new JsonArray(new ArrayList<>(c.setup().dns())))
                .put("DnsSearch", new JsonArray(new ArrayList<>(c.setup().dnsSearch())))
                .put("DnsOptions", new JsonArray(new ArrayList<>(c.setup().dnsOptions())))
                .put("DeviceCgroupRules", list(c.hostAccess().deviceCgroupRules()))
                .put("ReadonlyRootfs", c.hardening().readOnlyRootfs())
                .put("Tmpfs", c.tmpfs().isEmpty() ? null : new JsonObject(new LinkedHashMap<>(c.tmpfs())))
                .put("CapDrop", c.hardening().capDrop().isEmpty() ? null : new JsonArray(new ArrayList<>(c.hardening().capDrop())))
                // as asked: empty means the default seccomp profile (see docs/security.md)
                .put("SecurityOpt", c.hostAccess().securityOpt().isEmpty() ? null
                        : new JsonArray(new ArrayList<>(c.hostAccess().securityOpt())))
                // Docker's name for a log that can be read back through the API (the SDKs read a
                // container's output only for json-file and journald); kept as conmon's k8s-file.
                .put("LogConfig", new JsonObject().put("Type", LOG_DRIVER).put("Config", new JsonObject()))
                .put("RestartPolicy", new JsonObject().put("Name", "no").put("MaximumRetryCount", 0));
        return new JsonObject()
                .put("Id", v.id())
                .put("Created", v.created().toString())
                .put("Path", args.isEmpty() ? "" : args.get(0))
                .put("Args", new JsonArray(args.size() > 1 ? new ArrayList<>(args.subList(1, args.size())) : List.of()))
                .put("State", state)
                .put("Image", v.imageId())
                .put("Name", "/" + v.name())
                .put("RestartCount", 0)
                .put("Driver", "overlay")
                .put("Platform", "linux")
                .put("Config", config)
                .put("HostConfig", hostConfig)
                .put("Mounts", mounts(v))
                // no port is published until networks exist: Docker's empty map, not a missing one (docker-java reads it);
                // no address either (every container has only its loopback): Docker's "" for a container on no
                // network, which `inspect -f '{{.NetworkSettings.IPAddress}}'` prints (a missing key is an error)
                .put("NetworkSettings", new JsonObject().put("Ports", new JsonObject()).put("Networks", new JsonObject())
                        .put("IPAddress", "").put("Gateway", "").put("MacAddress", ""))
                .put("Tally", new JsonObject()
                        .put("Owner", new JsonObject().put("Uid", v.owner().uid()).put("User", v.owner().user())
                                .put("Source", v.owner().source())));
    }

    /** Docker's null for an empty list it keeps as a nil slice. */
    private static JsonArray list(List<String> values) {
        return values.isEmpty() ? null : new JsonArray(new ArrayList<>(values));
    }

    private static JsonArray mounts(ContainerView v) {
        JsonArray a = new JsonArray();
        for (ContainerConfig.Mount m : v.config().mounts()) {
            a.add(new JsonObject().put("Type", m.isVolume() ? "volume" : "bind")
                    .put(m.isVolume() ? "Name" : "Source", m.source())
                    .put("Destination", m.target()).put("RW", !m.readOnly()));
        }
        return a;
    }

    /** Docker's human status: "Up 5 seconds", "Exited (0) 2 minutes ago", "Created". */
    static String status(ContainerView v, Instant now) {
        return switch (v.status()) {
            case RUNNING -> "Up " + human(Duration.between(v.startedAt(), now)) + (v.paused() ? " (Paused)" : "");
            case EXITED -> "Exited (" + (v.exitCode() == ContainerExitUnknown.EXIT_CODE ? "unknown" : v.exitCode()) + ") "
                    + human(Duration.between(v.finishedAt(), now)) + " ago";
            case REMOVED -> "Removal In Progress";
            default -> "Created";
        };
    }

    static String human(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 1) {
            return "Less than a second";
        }
        if (s < 60) {
            return s + " second" + (s == 1 ? "" : "s");
        }
        long m = s / 60;
        if (m == 1) {
            return "About a minute";
        }
        if (m < 60) {
            return m + " minutes";
        }
        long h = m / 60;
        if (h == 1) {
            return "About an hour";
        }
        if (h < 48) {
            return h + " hours";
        }
        return (h / 24) + " days";
    }

    static JsonObject imageSummary(ImageView i) {
        return new JsonObject()
                .put("Id", i.id())
                .put("ParentId", "")
                .put("RepoTags", new JsonArray(new ArrayList<>(i.tags())))
                .put("RepoDigests", new JsonArray(new ArrayList<>(i.digests())))
                .put("Created", i.created().getEpochSecond())
                .put("Size", i.size())
                .put("SharedSize", -1)
                .put("Labels", new JsonObject())
                .put("Containers", -1);
    }

    static JsonObject imageInspect(ImageView i) {
        return imageInspect(i, Optional.empty());
    }

    /**
     * {@code GET /images/{name}/json}: the read model's facts, and what the stored config says (its
     * {@code config} object whole, over dockerd's empty defaults; author, comment, container; RootFS by diff
     * ids, as dockerd, whatever digests the read model names the layers by).
     */
    static JsonObject imageInspect(ImageView i, Optional<ImageDetails.Details> details) {
        JsonObject config = new JsonObject().put("Cmd", null).put("Entrypoint", null).put("Env", new JsonArray())
                .put("WorkingDir", "").put("User", "").put("Labels", new JsonObject());
        details.ifPresent(d -> d.config().forEach((k, v) -> config.put(k, json(v))));
        // what the config says it runs on; dockerd's defaults for an import's, which says nothing
        ImageDetails.Platform platform = details.map(ImageDetails.Details::platform).orElse(ImageDetails.Platform.UNSAID);
        JsonObject inspect = new JsonObject()
                .put("Id", i.id())
                .put("RepoTags", new JsonArray(new ArrayList<>(i.tags())))
                .put("RepoDigests", new JsonArray(new ArrayList<>(i.digests())))
                .put("Parent", "")
                .put("Comment", details.map(ImageDetails.Details::comment).orElse(""))
                .put("Created", i.created().toString())
                .put("Container", details.map(ImageDetails.Details::container).orElse(""))
                .put("Author", details.map(ImageDetails.Details::author).orElse(""))
                .put("Architecture", platform.architecture().isEmpty() ? "amd64" : platform.architecture());
        if (!platform.variant().isEmpty()) {
            inspect.put("Variant", platform.variant());
        }
        return inspect.put("Os", platform.os().isEmpty() ? "linux" : platform.os())
                .put("Size", i.size())
                .put("Config", config)
                .put("RootFS", new JsonObject().put("Type", "layers").put("Layers", new JsonArray(new ArrayList<>(
                        details.map(ImageDetails.Details::diffIds).filter(d -> !d.isEmpty()).orElse(i.layers())))));
    }

    /** A value of a parsed config as Vert.x's JSON types. */
    @SuppressWarnings("unchecked")
    private static Object json(Object v) {
        if (v instanceof java.util.Map<?, ?> m) {
            return new JsonObject((java.util.Map<String, Object>) m);
        }
        return v instanceof List<?> l ? new JsonArray(new ArrayList<>(l)) : v;
    }

    static JsonArray imageHistory(ImageView i) {
        return imageHistory(i, Optional.empty());
    }

    /**
     * {@code GET /images/{name}/history}, newest first, as dockerd makes it: one row per entry of the
     * config's history, a layer's row sized by the layer unpacked and an empty layer's 0; the newest row
     * names the image and its tags, the others {@code <missing>}; layers below the first entry (an
     * import's: tally imports record no history) get a row each without words. An image whose config
     * has no history (an import) or more layered entries than layers gets one row per layer instead.
     */
    static JsonArray imageHistory(ImageView i, Optional<ImageDetails.Details> details) {
        List<Long> sizes = details.map(ImageDetails.Details::layerSizes).orElse(List.of());
        List<ImageDetails.History> history = new ArrayList<>(details.map(ImageDetails.Details::history).orElse(List.of()));
        long layered = history.stream().filter(h -> !h.emptyLayer()).count();
        if (!history.isEmpty() && layered < sizes.size()) {
            // layers below the history's first entry (an import's, which tally records without history)
            for (long n = layered; n < sizes.size(); n++) {
                history.add(0, new ImageDetails.History("", "", "", "", false));
            }
            layered = sizes.size();
        }
        List<JsonObject> rows = new ArrayList<>();
        if (!history.isEmpty() && layered == sizes.size()) {
            int layer = 0;
            for (ImageDetails.History h : history) {
                long size = h.emptyLayer() ? 0L : sizes.get(layer++);
                rows.add(0, historyRow(epochSeconds(h.created(), i), h.createdBy(), h.comment(), size));
            }
        } else {
            int layers = Math.max(1, i.layers().size());
            for (int n = 0; n < layers; n++) {
                long size = sizes.size() == layers ? sizes.get(n) : n == layers - 1 ? i.size() : 0L;
                rows.add(0, historyRow(i.created().getEpochSecond(), "", layers == 1 ? "Imported from -" : "", size));
            }
        }
        JsonArray out = new JsonArray();
        for (int n = 0; n < rows.size(); n++) {
            boolean top = n == 0;
            out.add(rows.get(n).put("Id", top ? i.id() : "<missing>")
                    .put("Tags", top ? new JsonArray(new ArrayList<>(i.tags())) : null));
        }
        return out;
    }

    private static JsonObject historyRow(long created, String createdBy, String comment, long size) {
        return new JsonObject().put("Created", created).put("CreatedBy", createdBy).put("Size", size)
                .put("Comment", comment);
    }

    private static long epochSeconds(String rfc3339, ImageView fallback) {
        try {
            return java.time.OffsetDateTime.parse(rfc3339).toEpochSecond();
        } catch (java.time.format.DateTimeParseException e) {
            return fallback.created().getEpochSecond();
        }
    }
}
