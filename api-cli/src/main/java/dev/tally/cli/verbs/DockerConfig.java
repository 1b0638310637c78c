package dev.tally.cli.verbs;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.tally.cli.CliException;
import dev.tally.cli.ExitCodeMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The calling user's {@code ~/.docker/config.json} (or {@code $DOCKER_CONFIG/config.json}), read and
 * written as {@code docker login} does: {@code "auths": {"HOST[:PORT]": {"auth": base64(user:password)}}},
 * Docker Hub under {@code https://index.docker.io/v1/}; or, as the docker CLI does, through a credential
 * helper: {@code "credHelpers": {"HOST[:PORT]": "NAME"}} for one registry, else {@code "credsStore": "NAME"}
 * for all ({@link CredentialHelper}; the file then keeps an empty entry under {@code auths}, no secret).
 * Other fields are kept as they are; the file is written whole (0600, its directory 0700) and moved
 * into place.
 */
final class DockerConfig {

    static final String HUB_KEY = "https://index.docker.io/v1/";

    private final Path file;
    /** Where credential helpers are looked for: the PATH. */
    private final List<Path> searchPath;

    DockerConfig(Path file) {
        this(file, CredentialHelper.systemPath());
    }

    DockerConfig(Path file, List<Path> searchPath) {
        this.file = file;
        this.searchPath = searchPath;
    }

    static DockerConfig ofCaller() {
        String dir = System.getenv("DOCKER_CONFIG");
        Path base = dir != null && !dir.isBlank() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".docker");
        return new DockerConfig(base.resolve("config.json"));
    }

    /** The key of a registry in {@code auths}: Docker Hub's URL, or the host and port. */
    static String key(String registry) {
        return registry.equals("docker.io") ? HUB_KEY : registry;
    }

    /** The registry a name pulls from: its first part when that has a dot or a port or is localhost, else docker.io. */
    static String registryOf(String name) {
        int slash = name.indexOf('/');
        if (slash > 0) {
            String first = name.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                return first.equals("index.docker.io") || first.equals("registry-1.docker.io") ? "docker.io" : first;
            }
        }
        return "docker.io";
    }

    /** The stored user and password for a registry, or null. */
    String[] credentials(String registry) throws IOException {
        Map<String, Object> config = read();
        CredentialHelper helper = helper(config, registry);
        if (helper != null) {
            return helper.get(key(registry));
        }
        Object auths = config.get("auths");
        if (!(auths instanceof Map<?, ?> all)) {
            return null;
        }
        Object entry = all.get(key(registry));
        if (entry == null && registry.equals("docker.io")) {
            entry = all.get("docker.io");
        }
        if (!(entry instanceof Map<?, ?> e) || !(e.get("auth") instanceof String auth) || auth.isEmpty()) {
            return null;
        }
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException bad) {
            throw new CliException("the credentials for " + registry + " in " + file + " are not base64",
                    ExitCodeMapper.GENERAL_FAILURE);
        }
        int colon = pair.indexOf(':');
        return colon < 0 ? null : new String[] {pair.substring(0, colon), pair.substring(colon + 1)};
    }

    void store(String registry, String user, String password) throws IOException {
        Map<String, Object> config = read();
        Map<String, Object> auths = auths(config);
        Map<String, Object> entry = new LinkedHashMap<>();
        CredentialHelper helper = helper(config, registry);
        if (helper != null) {
            helper.store(key(registry), user, password);
        } else {
            entry.put("auth", Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        auths.put(key(registry), entry);
        write(config);
    }

    /** Removes a registry's credentials (from its helper too); false when there were none. */
    boolean remove(String registry) throws IOException {
        Map<String, Object> config = read();
        CredentialHelper helper = helper(config, registry);
        boolean erased = helper != null && helper.erase(key(registry));
        Map<String, Object> auths = auths(config);
        if (auths.remove(key(registry)) == null) {
            return erased;
        }
        write(config);
        return true;
    }

    /** The helper that keeps this registry's credentials ({@code credHelpers}, else {@code credsStore}), or null. */
    private CredentialHelper helper(Map<String, Object> config, String registry) {
        String name = null;
        if (config.get("credHelpers") instanceof Map<?, ?> helpers) {
            Object named = helpers.containsKey(key(registry)) ? helpers.get(key(registry)) : helpers.get(registry);
            name = named instanceof String n && !n.isEmpty() ? n : null;
        }
        if (name == null && config.get("credsStore") instanceof String store && !store.isEmpty()) {
            name = store;
        }
        return name == null ? null : CredentialHelper.find(name, searchPath);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> auths(Map<String, Object> config) {
        Object auths = config.get("auths");
        Map<String, Object> copy = auths instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m)
                : new LinkedHashMap<>();
        config.put("auths", copy);
        return copy;
    }

    private Map<String, Object> read() throws IOException {
        if (!Files.exists(file)) {
            return new LinkedHashMap<>();
        }
        String text = Files.readString(file);
        if (text.isBlank()) {
            return new LinkedHashMap<>();
        }
        try {
            return new LinkedHashMap<>(JSON.std.mapFrom(text));
        } catch (IOException e) {
            throw new CliException(file + " is not a JSON object: fix or remove it", ExitCodeMapper.GENERAL_FAILURE);
        }
    }

    private void write(Map<String, Object> config) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path tmp = Files.createTempFile(dir, "config", ".json",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(config) + "\n");
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
