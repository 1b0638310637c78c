package dev.tally.rest;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.ContainerStatus;
import dev.tally.domain.container.query.ContainerView;
import dev.tally.domain.image.query.ImageView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Docker Engine API shapes to and from tally's domain types. */
final class DockerJson {

    private static final Instant ZERO = Instant.parse("0001-01-01T00:00:00Z");
    static final String LOG_DRIVER = "json-file";

    private DockerJson() {
    }

    /** The body of {@code POST /containers/create}. Unknown fields are ignored, wrong types are 400. */
    static ContainerConfig config(JsonObject body) {
        try {
            JsonObject host = body.getJsonObject("HostConfig", new JsonObject());
            UnsupportedOptions.refuse(host);
            List<ContainerConfig.Mount> mounts = new ArrayList<>();
            for (String bind : strings(host.getJsonArray("Binds"))) {
                mounts.add(bind(bind));
            }
            Map<String, String> labels = new LinkedHashMap<>();
            body.getJsonObject("Labels", new JsonObject()).forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
            String image = body.getString("Image");
            if (image == null || image.isBlank()) {
                throw DomainException.invalid("config.Image: an image is required");
            }
            long memory = longOf(host, "Memory");
            long nanoCpus = longOf(host, "NanoCpus");
            long pids = longOf(host, "PidsLimit");
            if (memory < 0 || nanoCpus < 0) {
                throw DomainException.invalid("HostConfig: Memory and NanoCpus must not be negative");
            }
            if (memory > 0 && memory < 6 * 1024 * 1024) {
                throw DomainException.invalid("Minimum memory limit allowed is 6MB");
            }
            return new ContainerConfig(image, strings(body.getJsonArray("Entrypoint")), strings(body.getJsonArray("Cmd")),
                    strings(body.getJsonArray("Env")), body.getString("WorkingDir"), body.getString("User"),
                    body.getString("Hostname"), labels, body.getBoolean("Tty", false), body.getBoolean("OpenStdin", false),
                    mounts, new ContainerConfig.Limits(memory, nanoCpus, Math.max(0, pids)),
                    host.getString("NetworkMode"), host.getBoolean("AutoRemove", false), hostAccess(host),
                    new ContainerConfig.Hardening(host.getBoolean("ReadonlyRootfs", false), strings(host.getJsonArray("CapDrop"))),
                    tmpfs(host.getJsonObject("Tmpfs")));
        } catch (ClassCastException e) {
            throw DomainException.invalid("invalid JSON in the container config: " + e.getMessage());
        }
    }

    /** HostConfig.Tmpfs: container path → mount options (may be empty). */
    private static Map<String, String> tmpfs(JsonObject tmpfs) {
        Map<String, String> mounts = new LinkedHashMap<>();
        if (tmpfs != null) {
            tmpfs.forEach(e -> mounts.put(e.getKey(), e.getValue() == null ? "" : String.valueOf(e.getValue())));
        }
        return mounts;
    }

    private static ContainerConfig.HostAccess hostAccess(JsonObject host) {
        List<String> devices = new ArrayList<>();
        JsonArray devs = host.getJsonArray("Devices");
        if (devs != null) {
            for (int i = 0; i < devs.size(); i++) {
                JsonObject d = devs.getJsonObject(i);
                String onHost = d.getString("PathOnHost", "");
                String inside = d.getString("PathInContainer", onHost);
                String perms = d.getString("CgroupPermissions", "rwm");
                devices.add(onHost + ":" + (inside.isEmpty() ? onHost : inside) + ":" + (perms.isEmpty() ? "rwm" : perms));
            }
        }
        return new ContainerConfig.HostAccess(host.getBoolean("Privileged", false), strings(host.getJsonArray("CapAdd")),
                devices, strings(host.getJsonArray("SecurityOpt")), host.getString("PidMode"));
    }

    private static long longOf(JsonObject o, String key) {
        Object v = o.getValue(key);
        if (v == null) {
            return 0;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        throw DomainException.invalid("HostConfig." + key + ": expected a number, got " + v);
    }

    static ContainerConfig.Mount bind(String spec) {
        String[] p = spec.split(":");
        if (p.length < 2 || p.length > 3 || p[0].isEmpty() || p[1].isEmpty()) {
            throw DomainException.invalid("invalid volume specification: '" + spec + "'");
        }
        boolean ro = p.length == 3 && List.of(p[2].split(",")).contains("ro");
        if (p.length == 3 && !p[2].matches("(ro|rw|z|Z)(,(ro|rw|z|Z))*")) {
            throw DomainException.invalid("invalid mode: " + p[2]);
        }
        return new ContainerConfig.Mount(p[0], p[1], ro);
    }

    private static List<String> strings(JsonArray a) {
        List<String> out = new ArrayList<>();
        if (a != null) {
            for (Object o : a) {
                out.add(String.valueOf(o));
            }
        }
        return out;
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
                .put("State", v.status().dockerName())
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
                .put("Status", v.status().dockerName())
                .put("Running", running)
                .put("Paused", false)
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
        JsonObject hostConfig = new JsonObject()
                .put("Binds", new JsonArray(c.mounts().stream()
                        .map(m -> m.source() + ":" + m.target() + (m.readOnly() ? ":ro" : "")).toList()))
                .put("NetworkMode", c.networkMode())
                .put("AutoRemove", c.autoRemove())
                .put("Memory", c.limits().memoryBytes())
                .put("NanoCpus", c.limits().nanoCpus())
                .put("PidsLimit", c.limits().pidsLimit())
                .put("ReadonlyRootfs", c.hardening().readOnlyRootfs())
                .put("Tmpfs", c.tmpfs().isEmpty() ? null : new JsonObject(new LinkedHashMap<>(c.tmpfs())))
                .put("CapDrop", c.hardening().capDrop().isEmpty() ? null : new JsonArray(new ArrayList<>(c.hardening().capDrop())))
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
                .put("NetworkSettings", new JsonObject().put("Networks", new JsonObject()))
                .put("Tally", new JsonObject()
                        .put("Owner", new JsonObject().put("Uid", v.owner().uid()).put("User", v.owner().user())
                                .put("Source", v.owner().source())));
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
            case RUNNING -> "Up " + human(Duration.between(v.startedAt(), now));
            case EXITED -> "Exited (" + v.exitCode() + ") " + human(Duration.between(v.finishedAt(), now)) + " ago";
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
                .put("RepoDigests", new JsonArray())
                .put("Created", i.created().getEpochSecond())
                .put("Size", i.size())
                .put("SharedSize", -1)
                .put("Labels", new JsonObject())
                .put("Containers", -1);
    }

    static JsonObject imageInspect(ImageView i) {
        return new JsonObject()
                .put("Id", i.id())
                .put("RepoTags", new JsonArray(new ArrayList<>(i.tags())))
                .put("RepoDigests", new JsonArray())
                .put("Created", i.created().toString())
                .put("Architecture", "amd64")
                .put("Os", "linux")
                .put("Size", i.size())
                .put("Config", new JsonObject().put("Cmd", null).put("Entrypoint", null).put("Env", new JsonArray())
                        .put("WorkingDir", "").put("User", "").put("Labels", new JsonObject()))
                .put("RootFS", new JsonObject().put("Type", "layers").put("Layers", new JsonArray(new ArrayList<>(i.layers()))));
    }
}
