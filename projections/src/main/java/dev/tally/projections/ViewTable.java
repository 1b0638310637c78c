package dev.tally.projections;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * One read-model table: its columns and indexes, and how a value becomes a row and back. The same
 * shape serves the live store (one MERGE per change), a replay (batched inserts into a fresh copy of
 * the table) and a model as of a past time (the same, in a throwaway store).
 *
 * @param name     the table's name
 * @param key      the primary-key column, by which a value is looked up and replaced
 * @param columns  the columns a row is written to, in the writer's order
 * @param ddl      the column definitions for CREATE TABLE
 * @param indexes  index name suffix → indexed columns (the index is named {@code <table>_<suffix>})
 * @param appendOnly rows are only ever added, never read back or replaced by a handler (a replay
 *                 streams them out instead of holding them)
 */
record ViewTable<V>(String name, String key, List<String> columns, String ddl, Map<String, String> indexes,
                    boolean appendOnly, Writer<V> writer, Reader<V> reader) {

    /** Binds a value's columns, in {@link #columns()} order, from parameter 1. */
    interface Writer<V> {
        void bind(PreparedStatement ps, V value) throws SQLException, JsonProcessingException;
    }

    /** Reads a value from the current row of a {@code SELECT <columns>}. */
    interface Reader<V> {
        V read(ResultSet rs) throws SQLException, JsonProcessingException;
    }

    String createSql(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (" + ddl + ")";
    }

    /**
     * The table without its primary key, for a rebuild that adds the key once the rows are in
     * (the column definitions name it inline, as {@code <key> <type> PRIMARY KEY}).
     */
    String createWithoutKeySql(String table) {
        String inline = " PRIMARY KEY";
        if (ddl.indexOf(inline) != ddl.lastIndexOf(inline) || !ddl.startsWith(key + " ") || ddl.indexOf(inline) < 0
                || ddl.indexOf(inline) > ddl.indexOf(',')) {
            throw new IllegalStateException("table " + name + " must name its key first, inline: " + ddl);
        }
        return "CREATE TABLE " + table + " (" + ddl.replace(inline, " NOT NULL") + ")";
    }

    List<String> indexSql(String table) {
        return indexes.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(i -> "CREATE INDEX IF NOT EXISTS " + table + "_" + i.getKey() + " ON " + table + "(" + i.getValue() + ")")
                .toList();
    }

    String selectSql() {
        return selectSql(name);
    }

    String selectSql(String table) {
        return "SELECT " + String.join(", ", columns) + " FROM " + table + " WHERE " + key + " = ?";
    }

    String mergeSql() {
        return mergeSql(name);
    }

    String mergeSql(String table) {
        return "MERGE INTO " + table + " (" + String.join(", ", columns) + ") KEY (" + key + ") VALUES ("
                + "?, ".repeat(columns.size() - 1) + "?)";
    }

    String insertSql(String table) {
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + "?, ".repeat(columns.size() - 1) + "?)";
    }
}
