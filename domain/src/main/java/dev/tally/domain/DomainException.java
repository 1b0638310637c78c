package dev.tally.domain;

/** A rule said no. The kind decides the HTTP status and the CLI exit code at the edges. */
public class DomainException extends RuntimeException {

    /**
     * NO_SPACE: the disk that holds the record is (nearly) full, so nothing was recorded or done; the
     * same request succeeds once space is freed. LIMITED: the caller holds as much of the daemon as
     * one user may (429); retry once some is released.
     */
    public enum Kind { INVALID, NOT_FOUND, CONFLICT, DENIED, NOT_MODIFIED, NO_SPACE, FAILED, LIMITED }

    private final Kind kind;

    public DomainException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public DomainException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static DomainException notFound(String message) {
        return new DomainException(Kind.NOT_FOUND, message);
    }

    public static DomainException conflict(String message) {
        return new DomainException(Kind.CONFLICT, message);
    }

    public static DomainException invalid(String message) {
        return new DomainException(Kind.INVALID, message);
    }

    public static DomainException limited(String message) {
        return new DomainException(Kind.LIMITED, message);
    }

    public static DomainException notModified(String message) {
        return new DomainException(Kind.NOT_MODIFIED, message);
    }

    /**
     * What was being done failed because of {@code cause}: NO_SPACE when the cause, at any depth, is a
     * full disk (ENOSPC), FAILED otherwise.
     */
    public static DomainException failed(String what, Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("No space left on device")) {
                return new DomainException(Kind.NO_SPACE, what + ": no space left on device; free space on the "
                        + "data root's disk and try again", cause);
            }
        }
        return new DomainException(Kind.FAILED, what + ": " + cause.getMessage(), cause);
    }
}
