package dev.tally.store;

/**
 * One row of the event table as stored: every column the chain hash covers, in the order it covers
 * them. Text columns may be null (a non-aggregate event has no type); the time stamp is the text the
 * store holds.
 */
record ChainedRow(long globalIndex, String eventIdentifier, String aggregateIdentifier, long sequenceNumber,
                  String type, String timeStamp, String payloadType, String payloadRevision, byte[] payload,
                  byte[] metaData) {
}
