package dev.tally.projections;

import dev.tally.domain.audit.query.AuditFilter;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Not a test: the audit block's hot paths, measured with JMH by ops/bench/jmh.sh. Every live event
 * decodes, extends and re-encodes the open block; a replay encodes each block once; a query decodes
 * every block it reads and tests each entry.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AuditBlockBenchmark {

    private static final String[] USERS = {"alice", "bob", "carol", "dave", "erin", "frank", "grace"};
    private static final String[] ACTIONS = {"container.create", "container.start", "container.exec",
            "container.stop", "container.exit", "container.remove"};

    private byte[] halfFull;
    private byte[] full;
    private AuditBlock.Entry next;
    private AuditSelection alicesStarts;

    @Setup
    public void fill() {
        AuditBlock block = AuditBlock.empty();
        Instant at = Instant.parse("2026-11-23T10:00:00.123456789Z");
        long seq = 1_000_000;
        for (int i = 0; i < AuditBlock.SIZE; i++) {
            seq++;
            at = at.plusMillis(3);
            block.add(new AuditBlock.Entry(seq, at, USERS[i % USERS.length], ACTIONS[i % ACTIONS.length], i % 97 == 0,
                    seq - (i % 8), "", ""));
            if (i == AuditBlock.SIZE / 2 - 1) {
                halfFull = block.encode();
            }
        }
        full = block.encode();
        next = new AuditBlock.Entry(seq + 1, at.plusMillis(3), "alice", "container.start", false, seq - 3, "", "");
        alicesStarts = new AuditSelection(new AuditFilter("alice", null, null, "start", false, null, null, 0, 0, null));
    }

    /** What each live event does to the open block (here half full). */
    @Benchmark
    public byte[] liveAppend() {
        AuditBlock open = AuditBlock.decode(AuditBlock.OPEN, halfFull);
        open.add(next);
        return open.encode();
    }

    @Benchmark
    public AuditBlock decodeFullBlock() {
        return AuditBlock.decode("0000000000001000001", full);
    }

    /** A query's work per block read: decode it and test every entry. */
    @Benchmark
    public void scanFullBlock(Blackhole matches) {
        for (AuditBlock.Entry e : AuditBlock.decode("0000000000001000001", full).entries()) {
            if (alicesStarts.matches(e)) {
                matches.consume(e.seq());
            }
        }
    }
}
