package dev.tally.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.h2.engine.SessionLocal;
import org.h2.index.Index;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.Page;
import org.h2.schema.Schema;
import org.h2.table.Table;

/**
 * Where the bytes of each commit go (issue 12): appends the mixed load of {@link MixedSessions} one
 * event per commit (with the upkeep unless {@code -Dtally.store.upkeep=false}; {@code -Dchurn.retentionMs} sets
 * H2's retention time, {@code -Dchurn.settings=;PAGE_SIZE=2048} adds H2 settings), and after each commit walks the pages of the chunk it wrote,
 * per table or index (H2's maps, the file's layout map too), and prints per event the pages and bytes (upper bounds of H2's page
 * length classes) each map had written, and the chunks' mean length on disk. Not a test; run by hand
 * like {@link StoreSizeBenchmark}: {@code … dev.tally.store.StoreChurn [WARM=3000] [EVENTS=2000]}.
 */
final class StoreChurn {

    public static void main(String[] args) throws Exception {
        int warm = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Path dir = Files.createTempDirectory("tally-store-churn");
        String url = Store.h2File(dir.resolve("tally")).replace("RETENTION_TIME=" + StoreUpkeep.RETENTION_MS,
                "RETENTION_TIME=" + Integer.getInteger("churn.retentionMs", StoreUpkeep.RETENTION_MS))
                + System.getProperty("churn.settings", "");
        try (Store store = Store.open(url, StoreUpkeep.Settings.fromSystemProperties())) {
            MixedSessions load = new MixedSessions(store, 12);
            for (int n = 0; n < warm; n++) {
                load.appendOne();
            }
            MVStore mv;
            Map<String, String> names;
            try (Connection c = store.connections().getConnection()) {
                SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
                mv = session.getDatabase().getStore().getMvStore();
                names = sqlNames(session);
            }
            Map<String, long[]> written = new TreeMap<>();
            long chunkBytes = 0;
            long commits = 0;
            long chunks = 0;
            for (int n = 0; n < events; n++) {
                load.appendOne();
                int chunk = latestChunk(mv);
                for (String map : mv.getMapNames()) {
                    if (!mv.hasMap(map)) {
                        continue;
                    }
                    MVMap<?, ?> m = mv.openMap(map);
                    long[] counts = new long[2];
                    walk(m.getRootPage(), chunk, counts);
                    if (counts[0] > 0) {
                        long[] sum = written.computeIfAbsent(names.getOrDefault(map, map), k -> new long[2]);
                        sum[0] += counts[0];
                        sum[1] += counts[1];
                    }
                }
                for (MVMap<?, ?> m : java.util.List.of(layout(mv), mv.getMetaMap())) {
                    long[] counts = new long[2];
                    walk(m.getRootPage(), chunk, counts);
                    long[] sum = written.computeIfAbsent(m == mv.getMetaMap() ? "(meta)" : "(layout)", k -> new long[2]);
                    sum[0] += counts[0];
                    sum[1] += counts[1];
                }
                // A chunk's own entry in the layout is written with the next chunk.
                String previous = mv.getLayoutMap().get("chunk." + Integer.toHexString(chunk - 1));
                if (previous != null) {
                    chunkBytes += Long.parseLong(DataUtils.parseMap(previous).get("len"), 16) * 4096;
                    chunks++;
                }
                commits++;
            }
            System.out.printf(Locale.ROOT, "%d commits after %d: chunk on disk %.0f bytes per commit%n", commits, warm,
                    (double) chunkBytes / chunks);
            System.out.printf(Locale.ROOT, "%-60s %8s %10s%n", "map", "pages/ev", "bytes/ev");
            double per = commits;
            written.entrySet().stream().sorted(Comparator.comparingLong(e -> -e.getValue()[1]))
                    .forEach(e -> System.out.printf(Locale.ROOT, "%-60s %8.2f %10.0f%n", e.getKey(),
                            e.getValue()[0] / per, e.getValue()[1] / per));
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** H2 hands out only a copy of the layout map; its pages are read through the field. */
    private static MVMap<?, ?> layout(MVStore mv) throws ReflectiveOperationException {
        java.lang.reflect.Field f = org.h2.mvstore.FileStore.class.getDeclaredField("layout");
        f.setAccessible(true);
        return (MVMap<?, ?>) f.get(mv.getFileStore());
    }

    /** The chunk of the last commit: the newest chunk any map's root page lies in. */
    private static int latestChunk(MVStore mv) {
        int latest = 0;
        for (String map : mv.getMapNames()) {
            if (mv.hasMap(map)) {
                long pos = mv.openMap(map).getRootPage().getPos();
                if (pos != 0) {
                    latest = Math.max(latest, DataUtils.getPageChunkId(pos));
                }
            }
        }
        return latest;
    }

    /** Counts the pages of this subtree written in {@code chunk} (a page's parents are written with it). */
    private static void walk(Page<?, ?> page, int chunk, long[] counts) {
        long pos = page.getPos();
        if (pos == 0 || DataUtils.getPageChunkId(pos) != chunk) {
            return;
        }
        counts[0]++;
        counts[1] += DataUtils.getPageMaxLength(pos);
        if (!page.isLeaf()) {
            for (int i = 0; i < page.getRawChildPageCount(); i++) {
                long child = page.getChildPagePos(i);
                if (child != 0 && DataUtils.getPageChunkId(child) == chunk) {
                    walk(page.getChildPage(i), chunk, counts);
                }
            }
        }
    }

    /** H2's map names (table.N, index.N) with the SQL names of their tables and indexes. */
    private static Map<String, String> sqlNames(SessionLocal session) {
        Map<String, String> names = new HashMap<>();
        for (Schema schema : session.getDatabase().getAllSchemasNoMeta()) {
            for (Table t : schema.getAllTablesAndViews(session)) {
                names.put("table." + t.getId(), "table " + t.getName());
            }
            for (Index i : schema.getAllIndexes()) {
                names.put("index." + i.getId(), "index " + i.getName() + " (" + i.getTable().getName() + ")");
            }
        }
        return names;
    }
}
