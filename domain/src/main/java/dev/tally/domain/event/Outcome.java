package dev.tally.domain.event;

/**
 * How an event ends the request it records: an intent whose outcome follows as an event of its own,
 * a success, a failure or a refusal, with the HTTP-like code of its audit record.
 *
 * @param message a failure's or a refusal's reason; empty otherwise
 */
public record Outcome(Kind kind, int code, String message) {

    public enum Kind {
        REQUESTED, SUCCESS, FAILURE, DENIED;

        /** As the audit writes it: {@code requested}, {@code success}, {@code failure}, {@code denied}. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A request stored before the host acted on it: 202. */
    public static Outcome requested() {
        return new Outcome(Kind.REQUESTED, 202, "");
    }

    public static Outcome success(int code) {
        return new Outcome(Kind.SUCCESS, code, "");
    }

    public static Outcome failure(int code, String reason) {
        return new Outcome(Kind.FAILURE, code, reason);
    }

    /** @param code what the caller was given: 403, or 404 when the object is hidden from them */
    public static Outcome denied(int code, String reason) {
        return new Outcome(Kind.DENIED, code, reason);
    }
}
