package dev.tally.cli.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * docker's {@code --mount} value, {@code type=bind,source=/srv,target=/srv,readonly} and the like:
 * comma-separated {@code key=value} fields (a bare {@code readonly}, {@code ro} or
 * {@code volume-nocopy} is true), the type {@code volume} unless given, read into an entry of
 * {@code HostConfig.Mounts} as the docker CLI writes it. The daemon judges what the entry asks;
 * this only refuses what is not an entry at all, with the docker CLI's reasons.
 */
final class MountSpec {

    private static final Set<String> TRUE_WHEN_BARE = Set.of("readonly", "ro", "volume-nocopy", "bind-nonrecursive");

    private MountSpec() {
    }

    /** @throws IllegalArgumentException with the docker CLI's reason */
    static Map<String, Object> parse(String value) {
        Map<String, Object> mount = new LinkedHashMap<>();
        Map<String, Object> bind = new LinkedHashMap<>();
        Map<String, Object> volume = new LinkedHashMap<>();
        Map<String, Object> tmpfs = new LinkedHashMap<>();
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, String> driverOptions = new LinkedHashMap<>();
        String driver = null;
        String type = "volume";
        for (String field : value.split(",", -1)) {
            int eq = field.indexOf('=');
            String key = (eq < 0 ? field : field.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
            String val = eq < 0 ? null : field.substring(eq + 1);
            if (val == null) {
                if (!TRUE_WHEN_BARE.contains(key)) {
                    throw new IllegalArgumentException("invalid field '" + field + "' must be a key=value pair");
                }
                val = "true";
            }
            switch (key) {
                case "type" -> type = val.toLowerCase(Locale.ROOT);
                case "source", "src" -> mount.put("Source", val);
                case "target", "dst", "destination" -> mount.put("Target", val);
                case "readonly", "ro" -> mount.put("ReadOnly", bool(field, val));
                case "consistency" -> mount.put("Consistency", val);
                case "bind-propagation" -> bind.put("Propagation", val.toLowerCase(Locale.ROOT));
                case "bind-nonrecursive" -> bind.put("NonRecursive", bool(field, val));
                case "volume-nocopy" -> volume.put("NoCopy", bool(field, val));
                case "volume-label" -> {
                    int at = val.indexOf('=');
                    labels.put(at < 0 ? val : val.substring(0, at), at < 0 ? "" : val.substring(at + 1));
                }
                case "volume-driver" -> driver = val;
                case "volume-opt" -> {
                    int at = val.indexOf('=');
                    if (at < 0) {
                        throw new IllegalArgumentException("invalid volume-opt '" + val + "' must be a key=value pair");
                    }
                    driverOptions.put(val.substring(0, at), val.substring(at + 1));
                }
                case "tmpfs-size" -> tmpfs.put("SizeBytes", ByteSize.parse(val));
                case "tmpfs-mode" -> {
                    try {
                        tmpfs.put("Mode", Integer.parseInt(val, 8));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("invalid value for " + key + ": " + val);
                    }
                }
                default -> throw new IllegalArgumentException("unexpected key '" + key + "' in '" + field + "'");
            }
        }
        mount.put("Type", type);
        if (!mount.containsKey("Target")) {
            throw new IllegalArgumentException("target is required");
        }
        if (!labels.isEmpty()) {
            volume.put("Labels", labels);
        }
        if (driver != null || !driverOptions.isEmpty()) {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("Name", driver == null ? "" : driver);
            if (!driverOptions.isEmpty()) {
                config.put("Options", driverOptions);
            }
            volume.put("DriverConfig", config);
        }
        for (Map.Entry<String, Map<String, Object>> options : List.of(Map.entry("BindOptions", bind),
                Map.entry("VolumeOptions", volume), Map.entry("TmpfsOptions", tmpfs))) {
            if (!options.getValue().isEmpty()) {
                String kind = options.getKey().replace("Options", "").toLowerCase(Locale.ROOT);
                if (!kind.equals(type)) {
                    throw new IllegalArgumentException("cannot mix '" + kind + "-*' options with mount type '" + type + "'");
                }
                mount.put(options.getKey(), options.getValue());
            }
        }
        return mount;
    }

    /** Every {@code --mount} of a command line, in order. */
    static List<Map<String, Object>> parseAll(List<String> values) {
        List<Map<String, Object>> mounts = new ArrayList<>();
        for (String v : values) {
            mounts.add(parse(v));
        }
        return mounts;
    }

    private static boolean bool(String field, String val) {
        switch (val.toLowerCase(Locale.ROOT)) {
            case "1", "true" -> {
                return true;
            }
            case "0", "false" -> {
                return false;
            }
            default -> throw new IllegalArgumentException("invalid value for '" + field + "'");
        }
    }
}
