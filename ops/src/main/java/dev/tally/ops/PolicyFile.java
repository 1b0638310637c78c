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
import java.util.List;
import java.util.Set;

/**
 * The access policy from its JSON file ({@code /etc/tally/policy.json} by default):
 * {@code {"admins": [users], "adminGroups": [groups], "allowedBindPaths": [absolute dirs]}}, every
 * key optional. No file means the defaults; a file that says anything else (unknown keys, wrong
 * types, relative paths) stops the daemon, since a policy half understood is not a policy.
 */
final class PolicyFile {

    private static final Set<String> KEYS = Set.of("admins", "adminGroups", "allowedBindPaths");

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
                        + "\" (known: admins, adminGroups, allowedBindPaths)");
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
                new HashSet<>(strings(file, root, "adminGroups")), binds);
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
