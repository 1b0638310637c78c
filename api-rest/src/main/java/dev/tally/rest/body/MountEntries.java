package dev.tally.rest.body;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.AskedOption;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.ContainerOption;
import dev.tally.domain.container.MountPaths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code HostConfig.Mounts} ({@code --mount}), read into what {@code -v} and {@code --tmpfs} already
 * give: a bind or a volume becomes a {@link ContainerConfig.Mount} (an anonymous one, with no source,
 * named by the domain at create), a tmpfs an entry of the
 * config's tmpfs map. A bind's host path is also asked as {@link ContainerOption#MOUNTS_HOST}, so the
 * policy judges it, by its real path, as a {@code --mount}. An entry tally would not apply as asked
 * (another type, an option it does not apply) is {@link ContainerOption#MOUNTS},
 * refused with what it asked; never quietly a different mount. An entry that is not a mount at all
 * is INVALID, with dockerd's message.
 *
 * @param mounts the binds and named volumes, in the order asked
 * @param tmpfs  the tmpfs mounts: target, and the options as {@code --tmpfs} writes them
 * @param asked  the options for the policy: a bind's host path, or what is not applied
 */
record MountEntries(List<ContainerConfig.Mount> mounts, Map<String, String> tmpfs, List<AskedOption> asked) {

    private static final Set<String> KNOWN = Set.of("Type", "Source", "Target", "ReadOnly", "Consistency",
            "BindOptions", "VolumeOptions", "TmpfsOptions");
    /** How a bind is propagated here: as {@code -v} binds it (rbind, rprivate). */
    private static final Set<String> PROPAGATION_AS_USUAL = Set.of("", "rprivate");

    static MountEntries of(List<Map<String, Object>> entries) {
        List<ContainerConfig.Mount> mounts = new ArrayList<>();
        Map<String, String> tmpfs = new LinkedHashMap<>();
        List<AskedOption> asked = new ArrayList<>();
        for (Map<String, Object> m : entries) {
            String type = text(m.get("Type"));
            String source = text(m.get("Source"));
            String target = text(m.get("Target"));
            boolean readOnly = Boolean.TRUE.equals(m.get("ReadOnly"));
            if (!Set.of("bind", "volume", "tmpfs").contains(type)) {
                if (type.isEmpty()) {
                    throw invalid(type, "field Type must not be empty");
                }
                asked.add(new AskedOption(ContainerOption.MOUNTS, "type=" + type));
                continue;
            }
            if (target.isEmpty()) {
                throw invalid(type, "field Target must not be empty");
            }
            absolute(type, target);
            List<String> unapplied = new ArrayList<>();
            m.forEach((field, value) -> {
                if (!KNOWN.contains(field) && !zero(value)) {
                    unapplied.add(field);
                }
            });
            switch (type) {
                case "bind" -> {
                    extra(type, m, "VolumeOptions", "TmpfsOptions");
                    if (source.isEmpty()) {
                        throw invalid(type, "field Source must not be empty");
                    }
                    absolute(type, source);
                    Map<String, Object> options = object(m.get("BindOptions"));
                    options.forEach((field, value) -> {
                        boolean asUsual = field.equals("Propagation") ? PROPAGATION_AS_USUAL.contains(text(value)) : zero(value);
                        if (!asUsual) {
                            unapplied.add("BindOptions." + field);
                        }
                    });
                    if (unapplied.isEmpty()) {
                        mounts.add(new ContainerConfig.Mount(source, target, readOnly));
                        asked.add(new AskedOption(ContainerOption.MOUNTS_HOST, source));
                    }
                }
                case "volume" -> {
                    extra(type, m, "BindOptions", "TmpfsOptions");
                    Map<String, Object> options = object(m.get("VolumeOptions"));
                    options.forEach((field, value) -> {
                        boolean asUsual = field.equals("NoCopy") || field.equals("DriverConfig") && localDriver(value)
                                || zero(value);
                        if (!asUsual) {
                            unapplied.add("VolumeOptions." + field);
                        }
                    });
                    // no source: an anonymous volume, named when the container is created
                    if (source.startsWith("/") || source.contains(":")) {
                        throw invalid(type, "invalid volume name: '" + source + "'");
                    }
                    if (unapplied.isEmpty()) {
                        mounts.add(new ContainerConfig.Mount(source, target, readOnly,
                                Boolean.TRUE.equals(options.get("NoCopy"))));
                    }
                }
                default -> {
                    extra(type, m, "BindOptions", "VolumeOptions");
                    if (!source.isEmpty()) {
                        throw invalid(type, "field Source must not be specified");
                    }
                    List<String> options = new ArrayList<>();
                    if (readOnly) {
                        options.add("ro");
                    }
                    object(m.get("TmpfsOptions")).forEach((field, value) -> {
                        if (field.equals("SizeBytes") && value instanceof Number n && n.longValue() > 0) {
                            options.add("size=" + n.longValue());
                        } else if (field.equals("Mode") && value instanceof Number n && n.longValue() > 0) {
                            options.add("mode=" + Long.toOctalString(n.longValue() & 07777));
                        } else if (!zero(value)) {
                            unapplied.add("TmpfsOptions." + field);
                        }
                    });
                    if (unapplied.isEmpty()) {
                        tmpfs.put(target, String.join(",", options));
                    }
                }
            }
            if (!unapplied.isEmpty()) {
                asked.add(new AskedOption(ContainerOption.MOUNTS, "type=" + type + ",target=" + target
                        + " (" + String.join(", ", unapplied) + ")"));
            }
        }
        return new MountEntries(mounts, tmpfs, asked);
    }

    /**
     * dockerd's "Duplicate mount point" for the same target asked twice, by {@code -v}, {@code --mount}
     * or {@code --tmpfs}, each path as the path it names ({@link #cleaned}), as dockerd compares them;
     * and its refusal of a mount over the container's root, however spelt ({@code /}, {@code /.},
     * {@code /proc/..}): runc resolves a target the same way, so a spelling that passed a comparison
     * of what was written would mount over the root, or twice at one place.
     */
    static void requireDistinctTargets(List<String> targets) {
        Set<String> seen = new java.util.HashSet<>();
        for (String target : targets) {
            String clean = cleaned(target);
            if (clean.equals("/")) {
                // over the container's root: dockerd refuses it, whatever mounts it
                throw DomainException.invalid("invalid mount config: invalid specification: destination can't be '/'");
            }
            if (!seen.add(clean)) {
                throw DomainException.invalid("Duplicate mount point: " + clean);
            }
        }
    }

    /** The path a mount path names, as dockerd compares targets ({@link MountPaths#cleaned}). */
    static String cleaned(String path) {
        return MountPaths.cleaned(path);
    }

    private static boolean localDriver(Object driverConfig) {
        Map<String, Object> d = object(driverConfig);
        return Set.of("", "local").contains(text(d.get("Name"))) && zero(d.get("Options"));
    }

    private static void extra(String type, Map<String, Object> m, String... fields) {
        for (String field : fields) {
            if (m.get(field) != null) {
                throw invalid(type, "field " + field + " must not be specified");
            }
        }
    }

    private static void absolute(String type, String path) {
        if (!path.startsWith("/")) {
            throw invalid(type, "invalid mount path: '" + path + "' mount path must be absolute");
        }
    }

    private static DomainException invalid(String type, String what) {
        return DomainException.invalid("invalid mount config for type \"" + type + "\": " + what);
    }

    private static String text(Object o) {
        if (o != null && !(o instanceof String)) {
            throw DomainException.invalid("invalid mount config: expected a string, got " + o);
        }
        return o == null ? "" : (String) o;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o) {
        if (o == null) {
            return Map.of();
        }
        if (!(o instanceof Map)) {
            throw DomainException.invalid("invalid mount config: expected an object, got " + o);
        }
        return (Map<String, Object>) o;
    }

    /** Absent, null, false, 0, "" or an empty list or object: what Go's decoder leaves unset. */
    private static boolean zero(Object o) {
        return o == null || Boolean.FALSE.equals(o) || o instanceof Number n && n.doubleValue() == 0
                || o instanceof String s && s.isEmpty() || o instanceof List<?> l && l.isEmpty()
                || o instanceof Map<?, ?> mm && mm.values().stream().allMatch(MountEntries::zero);
    }
}
