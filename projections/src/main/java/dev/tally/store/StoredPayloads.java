package dev.tally.store;

import dev.tally.domain.DomainException;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;

/** The payloads of stored events, deserialized as the event store does; a failure names the event. */
record StoredPayloads(Serializer serializer) {

    /** @throws DomainException FAILED naming the event's sequence number and type when it cannot be read */
    Object read(long seq, byte[] bytes, String type, String revision) {
        try {
            return serializer.deserialize(new SimpleSerializedObject<>(bytes, byte[].class, type, revision));
        } catch (RuntimeException e) {
            throw new DomainException(DomainException.Kind.FAILED, "read event " + seq + " (" + type + "): "
                    + e.getMessage(), e);
        }
    }
}
