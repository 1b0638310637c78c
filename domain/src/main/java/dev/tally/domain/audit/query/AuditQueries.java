package dev.tally.domain.audit.query;

import java.util.function.Consumer;

/**
 * The audit log as records shaped like Kubernetes audit events, one JSON object per record, in
 * sequence order. Every stored event has a record, refusals included.
 */
public interface AuditQueries {

    /** Hands each matching record, as one line of JSON, to {@code line}, oldest first. */
    void log(AuditFilter filter, Consumer<String> line);
}
