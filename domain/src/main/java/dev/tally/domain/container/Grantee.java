package dev.tally.domain.container;

/**
 * A host user who may see and act on a container they do not own. Identified by uid (what the
 * kernel reports of a caller); the name is what the admin typed, kept for the record.
 */
public record Grantee(String user, int uid) {
}
