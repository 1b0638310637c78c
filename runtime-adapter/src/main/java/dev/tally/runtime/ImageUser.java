package dev.tally.runtime;

import dev.tally.domain.DomainException;
import java.util.ArrayList;
import java.util.List;

/**
 * The ids a container's process runs as, from {@code --user} and the image's {@code /etc/passwd} and
 * {@code /etc/group} (read merged and inside the image by {@link MergedLayers}), as runc's library
 * decides them for dockerd: a user, by name or number, takes the uid and gid of its passwd entry (the
 * first that matches; a number with no entry runs as that uid with gid 0); {@code user:group} takes
 * the group by name or number instead; without an explicit group, the groups of {@code /etc/group}
 * that list the user's name are its supplementary groups; no user is root's entry (uid 0).
 * INVALID, in dockerd's words, for a name with no entry or an id out of range.
 */
record ImageUser(int uid, int gid, List<Integer> groups) {

    static final ImageUser ROOT = new ImageUser(0, 0, List.of());

    ImageUser {
        groups = List.copyOf(groups);
    }

    /** @param passwd the image's /etc/passwd ("" without one); @param group its /etc/group ("" without one) */
    static ImageUser of(String spec, String passwd, String group) {
        String userArg = spec;
        String groupArg = "";
        int colon = spec.indexOf(':');
        if (colon >= 0) {
            userArg = spec.substring(0, colon);
            groupArg = spec.substring(colon + 1);
        }
        Integer uidArg = asked(userArg);
        int uid = 0;
        int gid = 0;
        String matched = "";
        for (String[] f : entries(passwd, 4)) {
            Integer entryUid = number(f[2]);
            boolean match = userArg.isEmpty() ? entryUid != null && entryUid == 0
                    : uidArg != null ? entryUid != null && entryUid.equals(uidArg) : f[0].equals(userArg);
            if (match && entryUid != null && number(f[3]) != null) {
                matched = f[0];
                uid = entryUid;
                gid = number(f[3]);
                break;
            }
        }
        if (matched.isEmpty() && !userArg.isEmpty()) {
            if (uidArg == null) {
                throw DomainException.invalid("unable to find user " + userArg + ": no matching entries in passwd file");
            }
            uid = uidArg;
        }
        List<Integer> groups = new ArrayList<>();
        if (!groupArg.isEmpty()) {
            Integer gidArg = asked(groupArg);
            Integer found = null;
            for (String[] f : entries(group, 3)) {
                Integer entryGid = number(f[2]);
                if (entryGid != null && (gidArg != null ? entryGid.equals(gidArg) : f[0].equals(groupArg))) {
                    found = entryGid;
                    break;
                }
            }
            if (found == null && gidArg == null) {
                throw DomainException.invalid("unable to find group " + groupArg + ": no matching entries in group file");
            }
            gid = found != null ? found : gidArg;
        } else if (!matched.isEmpty()) {
            for (String[] f : entries(group, 3)) {
                Integer entryGid = number(f[2]);
                if (entryGid != null && f.length > 3 && List.of(f[3].split(",")).contains(matched)) {
                    groups.add(entryGid);
                }
            }
        }
        return new ImageUser(uid, gid, groups);
    }

    /** A group of {@code --group-add}: a number, or a name from the image's /etc/group. */
    static int groupId(String nameOrId, String group) {
        Integer id = asked(nameOrId);
        if (id != null) {
            return id;
        }
        for (String[] f : entries(group, 3)) {
            if (f[0].equals(nameOrId) && number(f[2]) != null) {
                return number(f[2]);
            }
        }
        throw DomainException.invalid("Unable to find group " + nameOrId + ": no matching entries in group file");
    }

    /** A uid or gid: digits up to 2^31 - 1, else null. */
    private static Integer number(String s) {
        if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(Character::isDigit)) {
            return null;
        }
        long v = Long.parseLong(s);
        return v > Integer.MAX_VALUE ? null : (int) v;
    }

    /** As {@link #number}, for what the caller asked: digits out of the range are INVALID, not a name. */
    private static Integer asked(String s) {
        Integer n = number(s);
        if (n == null && !s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
            throw DomainException.invalid("id " + s + " is out of range (0 to " + Integer.MAX_VALUE + ")");
        }
        return n;
    }

    /** The lines of a passwd or group file with at least {@code fields} fields, split at ':'. */
    private static List<String[]> entries(String file, int fields) {
        List<String[]> out = new ArrayList<>();
        for (String line : file.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split(":", -1);
            if (f.length >= fields) {
                out.add(f);
            }
        }
        return out;
    }
}
