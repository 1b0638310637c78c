package dev.tally.domain.container;

import dev.tally.domain.DomainException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Docker's rules for container ids and names: random ids, valid names, a name made up when none is given. */
final class ContainerNaming {

    private static final Pattern VALID_NAME = Pattern.compile("/?[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String[] ADJECTIVES = {"brave", "calm", "eager", "keen", "quiet", "steady", "tidy", "wise"};
    private static final String[] NOUNS = {"auditor", "ledger", "tally", "scribe", "record", "witness", "clerk"};

    private ContainerNaming() {
    }

    /** A new id: 64 hex digits, as Docker's. */
    static String newId() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /**
     * The name a container gets: the requested one without its leading '/', or one made from its id
     * when none was requested. INVALID, in Docker's words, for a name with other characters.
     */
    static String nameFor(String requested, String id) {
        String name = requested == null || requested.isBlank() ? generatedName(id) : requested;
        requireValid(name);
        return name.startsWith("/") ? name.substring(1) : name;
    }

    /**
     * INVALID for a requested name with other characters; none requested is valid. Checked before any
     * decision about the request is recorded, so a recorded name is always a valid one.
     */
    static void requireValid(String requested) {
        if (requested != null && !requested.isBlank() && !VALID_NAME.matcher(requested).matches()) {
            throw DomainException.invalid("Invalid container name (" + requested
                    + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }
    }

    static String generatedName(String id) {
        int a = Integer.parseInt(id.substring(0, 2), 16) % ADJECTIVES.length;
        int n = Integer.parseInt(id.substring(2, 4), 16) % NOUNS.length;
        return ADJECTIVES[a] + "_" + NOUNS[n] + "_" + id.substring(4, 8);
    }
}
