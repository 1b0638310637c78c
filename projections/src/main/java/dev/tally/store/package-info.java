/**
 * The event store, in one place: the event table (Axon's JDBC schema on H2, made by
 * {@link dev.tally.store.H2EventTableFactory}), its hash chain (appended by
 * {@link dev.tally.store.ChainedAppends}, defined by {@link dev.tally.store.ChainHash}, verified by
 * {@link dev.tally.store.JdbcEventChain}), the transactions events and read models commit in, and
 * the APIs to read the log back ({@link dev.tally.store.EventLog} for the read models and the audit,
 * {@link dev.tally.store.EventTableReader} by position for {@code /events}). {@link dev.tally.store.Store}
 * opens it; no other main code names the event table or its columns.
 *
 * <p>Why a package of the {@code projections} module, not a module of its own or a part of {@code ops}:
 * the read models read the log directly (a replay, the audit's records, the host as of a time), and
 * {@code projections} may depend on {@code domain} alone, so the store cannot sit in {@code ops}, which
 * depends on {@code projections}; {@code domain} holds rules and ports, not JDBC; and the top-level
 * layout of modules stays as it is. So the store sits beside its first readers, {@code ops} opens it and
 * wires it into Axon, and the edges, which depend on {@code domain} alone, reach it only through ports
 * of {@code domain} that it implements ({@link dev.tally.domain.audit.EventChain},
 * {@link dev.tally.domain.event.StoredEvents}). The projections' own packages read the log through
 * {@link dev.tally.store.EventLog}, never by SQL.
 *
 * <p>Where new work goes: a new way to read the log is a method of {@code EventLog} (or a class
 * here implementing a {@code domain} port); a change to the table or the chain is a migration like
 * {@link dev.tally.store.ChainSchema}'s, and stored rows keep their form: existing data roots must open
 * as before and their chains verify.
 */
package dev.tally.store;
