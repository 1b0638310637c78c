package dev.tally.store;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;

/**
 * Axon's transaction manager and connection provider in one, without Spring: a transaction binds
 * one connection (autocommit off) to the thread, and every {@link #getConnection()} inside it hands
 * out that connection with a close that does nothing, so the event store, the token store and the
 * read models commit together. Nested transactions join the outer one.
 */
final class JdbcTransactions implements TransactionManager, ConnectionProvider {

    private final DataSource dataSource;
    private final DiskReserve reserve;
    private final ThreadLocal<Bound> bound = new ThreadLocal<>();

    JdbcTransactions(DataSource dataSource) {
        this(dataSource, DiskReserve.none());
    }

    /** With {@code reserve}: no transaction begins on a disk with less free (NO_SPACE). */
    JdbcTransactions(DataSource dataSource, DiskReserve reserve) {
        this.dataSource = dataSource;
        this.reserve = reserve;
    }

    private static final class Bound {
        final Connection connection;
        final List<Runnable> afterCompletion = new ArrayList<>();
        int depth;

        Bound(Connection connection) {
            this.connection = connection;
        }
    }

    @Override
    public Transaction startTransaction() {
        Bound b = bound.get();
        if (b != null) {
            b.depth++;
            return new Transaction() {
                @Override
                public void commit() {
                    b.depth--;
                }

                @Override
                public void rollback() {
                    b.depth--;
                }
            };
        }
        reserve.require();
        try {
            Connection c = dataSource.getConnection();
            c.setAutoCommit(false);
            Bound fresh = new Bound(c);
            bound.set(fresh);
            return new Transaction() {
                @Override
                public void commit() {
                    finish(fresh, true);
                }

                @Override
                public void rollback() {
                    finish(fresh, false);
                }
            };
        } catch (SQLException e) {
            throw new StoreException("begin a transaction on the event store", e);
        }
    }

    /**
     * Runs {@code action} once the outermost transaction bound to this thread has committed or rolled
     * back (in both cases, even when the commit fails).
     *
     * @throws IllegalStateException when this thread has no transaction
     */
    void afterCompletion(Runnable action) {
        Bound b = bound.get();
        if (b == null) {
            throw new IllegalStateException("no transaction on this thread to wait for");
        }
        b.afterCompletion.add(action);
    }

    private void finish(Bound b, boolean commit) {
        bound.remove();
        try (Connection c = b.connection) {
            if (commit) {
                c.commit();
            } else {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new StoreException((commit ? "commit" : "roll back") + " a transaction on the event store", e);
        } finally {
            b.afterCompletion.forEach(Runnable::run);
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        Bound b = bound.get();
        if (b == null) {
            return dataSource.getConnection();
        }
        Connection real = b.connection;
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
