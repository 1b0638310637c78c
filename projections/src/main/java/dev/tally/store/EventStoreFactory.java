package dev.tally.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.UnknownSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;

/** The JDBC event storage on the configured store, with its schema made on first use; appends are hash-chained. */
final class EventStoreFactory {

    private EventStoreFactory() {
    }

    static Serializer serializer() {
        ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule()).registerModule(StrictInstants.module())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        return new ReusedReaders(JacksonSerializer.builder().objectMapper(mapper));
    }

    /**
     * Axon's Jackson serializer, with the class of each stored type name and the reader of each payload class
     * found once: Axon looks the class up by its name and asks the mapper for a new reader at every event it
     * reads. A reader is immutable, and the mapper is not changed once built.
     */
    private static final class ReusedReaders extends JacksonSerializer {
        private final Map<String, Class<?>> classes = new ConcurrentHashMap<>();
        private final Map<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();

        ReusedReaders(Builder builder) {
            super(builder);
        }

        /** A class found by its name; a name not found (an unknown type) or the empty type is looked up again. */
        @Override
        @SuppressWarnings("rawtypes")
        public Class classForType(SerializedType type) {
            Class<?> found = classes.get(type.getName());
            if (found == null) {
                found = super.classForType(type);
                if (found != UnknownSerializedType.class && !SimpleSerializedType.emptyType().equals(type)) {
                    classes.putIfAbsent(type.getName(), found);
                }
            }
            return found;
        }

        @Override
        protected ObjectReader getReader(Class<?> type) {
            ObjectReader reader = readers.get(type);
            if (reader == null) {
                reader = super.getReader(type);
                readers.putIfAbsent(type, reader);
            }
            return reader;
        }
    }

    static JdbcEventStorageEngine engine(JdbcTransactions tx, Serializer serializer) {
        JdbcEventStorageEngine engine = JdbcEventStorageEngine.builder()
                .connectionProvider(tx)
                .transactionManager(tx)
                .eventSerializer(serializer)
                .snapshotSerializer(serializer)
                .persistenceExceptionResolver(EventStoreFactory::isDuplicateKey)
                .appendEvents(new ChainedAppends(tx))
                .build();
        if (!tableExists(tx, "DOMAINEVENTENTRY")) {
            engine.createSchema(H2EventTableFactory.INSTANCE);
        }
        ChainSchema.migrate(tx);
        return engine;
    }

    private static boolean isDuplicateKey(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static boolean tableExists(JdbcTransactions tx, String table) {
        try (Connection c = tx.getConnection();
             ResultSet rs = c.getMetaData().getTables(null, null, table, null)) {
            return rs.next();
        } catch (SQLException e) {
            throw new StoreException("look up table " + table, e);
        }
    }
}
