package dev.tally.projections;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.tally.domain.DomainException;
import java.sql.Connection;
import java.sql.SQLException;
import org.axonframework.common.jdbc.ConnectionProvider;

/** What the read models share: the connection (the event's transaction when there is one) and JSON. */
abstract class ViewStore {

    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final ConnectionProvider connections;

    ViewStore(ConnectionProvider connections) {
        this.connections = connections;
    }

    Connection connection() {
        try {
            return connections.getConnection();
        } catch (SQLException e) {
            throw failed("open a connection to the read model store", e);
        }
    }

    static DomainException failed(String what, Exception e) {
        return new DomainException(DomainException.Kind.FAILED, what + ": " + e.getMessage(), e);
    }

    /** Creates this model's tables if they are missing. */
    public abstract void createSchema();
}
