package dev.tally.rest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Users and groups as /etc/passwd and /etc/group name them. Asked on every request, so each file is
 * parsed again only when its modification time or size changed.
 */
final class HostAccounts {

    /** One line of /etc/passwd. */
    record User(String name, int uid, int gid) {
    }

    private record Parsed(Map<Integer, String> groupNames, Map<String, List<Integer>> memberships) {
    }

    private final Path passwd;
    private final Path group;
    private volatile Object passwdStamp;
    private volatile Object groupStamp;
    private volatile Map<Integer, User> users = Map.of();
    private volatile Parsed groups = new Parsed(Map.of(), Map.of());

    HostAccounts(Path passwd, Path group) {
        this.passwd = passwd;
        this.group = group;
    }

    static HostAccounts system() {
        return new HostAccounts(Path.of("/etc/passwd"), Path.of("/etc/group"));
    }

    Optional<User> user(int uid) {
        refresh();
        return Optional.ofNullable(users.get(uid));
    }

    /** The group's name, or the gid as text when /etc/group does not have it. */
    String groupName(int gid) {
        refresh();
        String name = groups.groupNames().get(gid);
        return name == null ? Integer.toString(gid) : name;
    }

    /** The user's supplementary gids as /etc/group lists them (the primary group not included). */
    List<Integer> supplementaryGids(String user) {
        refresh();
        return groups.memberships().getOrDefault(user, List.of());
    }

    /** Names of these groups, the primary first, each once. */
    List<String> groupNames(int primaryGid, List<Integer> others) {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        names.add(groupName(primaryGid));
        others.forEach(g -> names.add(groupName(g)));
        return new ArrayList<>(names);
    }

    private synchronized void refresh() {
        Object p = stamp(passwd);
        if (!p.equals(passwdStamp)) {
            users = parsePasswd();
            passwdStamp = p;
        }
        Object g = stamp(group);
        if (!g.equals(groupStamp)) {
            groups = parseGroup();
            groupStamp = g;
        }
    }

    private static Object stamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(a.lastModifiedTime().toMillis(), a.size(), String.valueOf(a.fileKey()));
        } catch (IOException e) {
            return List.of("missing");
        }
    }

    private Map<Integer, User> parsePasswd() {
        Map<Integer, User> out = new HashMap<>();
        for (String line : lines(passwd)) {
            String[] f = line.split(":", -1);
            if (f.length > 3) {
                try {
                    User u = new User(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]));
                    out.putIfAbsent(u.uid(), u);
                } catch (NumberFormatException ignored) {
                    // a malformed line names nobody
                }
            }
        }
        return Map.copyOf(out);
    }

    private Parsed parseGroup() {
        Map<Integer, String> names = new HashMap<>();
        Map<String, List<Integer>> members = new HashMap<>();
        for (String line : lines(group)) {
            String[] f = line.split(":", -1);
            if (f.length < 4) {
                continue;
            }
            int gid;
            try {
                gid = Integer.parseInt(f[2]);
            } catch (NumberFormatException e) {
                continue;
            }
            names.putIfAbsent(gid, f[0]);
            for (String member : f[3].split(",")) {
                if (!member.isBlank()) {
                    members.computeIfAbsent(member.strip(), k -> new ArrayList<>()).add(gid);
                }
            }
        }
        return new Parsed(Map.copyOf(names), Map.copyOf(members));
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
