package dev.tally.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.domain.access.AccessPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The access policy from its JSON file ({@code /etc/tally/policy.json} by default):
 * {@code {"admins": [users], "adminGroups": [groups], "allowedBindPaths": [absolute dirs],
 * "tlsUsers": {"certificate CN": "user"}, "pullRegistries": ["host:port", "docker.io"],
 * "pushRegistries": ["host:port"]}}, every key optional. No file means the defaults; a file
 * that says anything else (unknown keys, wrong types, relative paths, a CN or user name that cannot
 * be one) stops the daemon, since a policy half understood is not a policy.
 */
final class PolicyFile {

    private static final Set<String> KEYS = Set.of("admins", "adminGroups", "allowedBindPaths", "tlsUsers",
            "pullRegistries", "pushRegistries");
    /** A registry as a reference names it: a host (or IP) with an optional port. */
    private static final java.util.regex.Pattern REGISTRY = java.util.regex.Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?");
    /** What a certificate's CN may be (as TlsCallerIdentity reads it) and a user name it maps to. */
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._@+-]{1,64}");

    private PolicyFile() {
    }

    static AccessPolicy load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return AccessPolicy.defaults();
        } catch (IOException e) {
            throw new IllegalArgumentException("policy " + file + ": cannot read it: " + e.getMessage());
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(text);
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage().replaceAll("\\s*\\(start marker.*|\\s*\\[Source.*", "").strip();
            throw new IllegalArgumentException("policy " + file + ": not valid JSON: " + why + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("policy " + file + ": expected a JSON object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("policy " + file + ": unknown key \"" + key
                        + "\" (known: admins, adminGroups, allowedBindPaths, tlsUsers, pullRegistries, pushRegistries)");
            }
        }
        List<String> binds = strings(file, root, "allowedBindPaths");
        for (String p : binds) {
            if (!p.startsWith("/")) {
                throw new IllegalArgumentException("policy " + file + ": allowedBindPaths: \"" + p
                        + "\" is not an absolute path");
            }
        }
        return new AccessPolicy(new HashSet<>(strings(file, root, "admins")),
                new HashSet<>(strings(file, root, "adminGroups")), binds, tlsUsers(file, root),
                registries(file, root, "pullRegistries"), registries(file, root, "pushRegistries"));
    }

    private static Set<String> registries(Path file, JsonNode root, String key) {
        List<String> registries = strings(file, root, key);
        for (String r : registries) {
            if (!REGISTRY.matcher(r).matches()) {
                throw new IllegalArgumentException("policy " + file + ": " + key + ": \"" + r
                        + "\" is not a registry (host or host:port, docker.io for Docker Hub)");
            }
        }
        return new HashSet<>(registries);
    }

    private static Map<String, String> tlsUsers(Path file, JsonNode root) {
        JsonNode node = root.get("tlsUsers");
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null) {
            return out;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("policy " + file + ": tlsUsers must be an object from certificate CN"
                    + " to user name, e.g. {\"alice\": \"alice\"}");
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (!NAME.matcher(f.getKey()).matches() || f.getKey().equals(".") || f.getKey().equals("..")) {
                throw new IllegalArgumentException("policy " + file + ": tlsUsers: \"" + f.getKey()
                        + "\" is not a usable certificate CN (letters, digits, . _ @ + -)");
            }
            if (!f.getValue().isTextual() || !NAME.matcher(f.getValue().asText()).matches()) {
                throw new IllegalArgumentException("policy " + file + ": tlsUsers: the user of \"" + f.getKey()
                        + "\" must be a user name (letters, digits, . _ @ + -)");
            }
            out.put(f.getKey(), f.getValue().asText());
        }
        return out;
    }

    private static List<String> strings(Path file, JsonNode root, String key) {
        JsonNode node = root.get(key);
        List<String> out = new ArrayList<>();
        if (node == null) {
            return out;
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException("policy " + file + ": " + key + " must be an array of strings");
        }
        for (JsonNode n : node) {
            if (!n.isTextual() || n.asText().isBlank()) {
                throw new IllegalArgumentException("policy " + file + ": " + key + " must be an array of strings");
            }
            out.add(n.asText());
        }
        return out;
    }
}
