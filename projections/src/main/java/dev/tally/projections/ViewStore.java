package dev.tally.projections;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.tally.domain.DomainException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Supplier;
import org.axonframework.common.jdbc.ConnectionProvider;

/**
 * What the read models share: the connection (the event's transaction when there is one) and JSON
 * for queries, and the storage their handlers write to (the live tables, or a rebuild).
 */
abstract class ViewStore {

    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final ConnectionProvider connections;
    private final ViewStorage storage;

    ViewStore(ConnectionProvider connections) {
        this(connections, new LiveStorage(connections, new LiveGate()));
    }

    ViewStore(ConnectionProvider connections, ViewStorage storage) {
        this.connections = connections;
        this.storage = storage;
    }

    Connection connection() {
        try {
            return connections.getConnection();
        } catch (SQLException e) {
            throw failed("open a connection to the read model store", e);
        }
    }

    ViewStorage storage() {
        return storage;
    }

    /** A query of the live tables; it waits while a replay swaps them. */
    <T> T reading(Supplier<T> query) {
        return storage.gate().reading(query);
    }

    static DomainException failed(String what, Exception e) {
        return new DomainException(DomainException.Kind.FAILED, what + ": " + e.getMessage(), e);
    }

    /** The tables this model keeps. */
    abstract List<ViewTable<?>> tables();

    /** Called once a replay has fed every event: writes what a model held back for the end. */
    void endOfLog() {
    }

    /** Creates this model's tables if they are missing. */
    public void createSchema() {
        createMissingTables();
    }

    /** Creates this model's missing tables; true when any was missing. */
    boolean createMissingTables() {
        boolean missing = false;
        for (ViewTable<?> t : tables()) {
            missing |= storage.create(t);
        }
        return missing;
    }
}
