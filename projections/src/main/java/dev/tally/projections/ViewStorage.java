package dev.tally.projections;

/** Where a projection's handlers write: the live tables, or a fresh copy being rebuilt. */
interface ViewStorage {

    <V> Rows<V> rows(ViewTable<V> table);

    /** Creates the table (and its indexes) if missing; true when it was missing. */
    boolean create(ViewTable<?> table);

    /** Whether changes are live: committed with their events, and announced to listeners. */
    boolean live();

    /** The gate that live writes and queries pass. */
    LiveGate gate();
}
