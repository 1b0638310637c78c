package dev.tally.domain.image.query;

/**
 * Where a reference points and who made it point there (only they or an admin may move it).
 *
 * @param reference normalized, familiar form
 * @param ownerUid  the uid of whoever moved it last (-1 for a uid-less TLS user, then known by name)
 */
public record ReferenceView(String reference, String imageId, int ownerUid, String ownerUser) {
}
