package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tamper cases on a real daemon's log: events made by real commands, the daemon stopped, its H2 file
 * changed with plain SQL as an intruder with the file would, the daemon started again, and
 * {@code tally audit verify} asked through the real socket.
 */
class ChainIT {

    @BusyboxDaemon(beforeStart = TallyGroup.class)
    private static Daemon daemon;
    private static Path store;
    private static Path pristine;
    private static Path checkpoint;
    private static Path publicKey;
    private static long head;
    /** The chain's hash at {@link #head} as the daemon wrote it. */
    private static String headHash;

    /** The socket's group, which the non-admin caller is in. */
    static final class TallyGroup implements BusyboxDaemon.BeforeStart {
        @Override
        public void prepare(Daemon unstarted) {
            Daemon.exec(List.of("sh", "-c", "getent group tally >/dev/null || groupadd --system tally"), Map.of());
        }
    }

    @BeforeAll
    static void makeALog() throws Exception {
        for (String volume : List.of("evidence", "scratch", "backup")) {
            assertEquals(0, daemon.tally("volume", "create", volume).code());
        }
        assertEquals(0, daemon.tally("run", "--rm", "busybox", "true").code());
        assertEquals(0, daemon.tally("run", "--name", "kept", "busybox", "sh", "-c", "echo hi").code());
        Daemon.Result intact = daemon.tally("audit", "verify");
        assertEquals(0, intact.code(), intact.out() + intact.err());
        assertTrue(intact.out().startsWith("chain intact: "), intact.out());

        Path keys = daemon.root.resolve("keys");
        assertEquals(0, daemon.tally("audit", "keygen", "--out", keys.toString()).code());
        publicKey = keys.resolve("tally-audit.pub");
        Daemon.Result taken = daemon.tally("audit", "checkpoint", "--sign-key", keys.resolve("tally-audit.key").toString());
        assertEquals(0, taken.code(), taken.err());
        checkpoint = daemon.root.resolve("checkpoint.json");
        Files.writeString(checkpoint, taken.out());

        store = daemon.root.resolve("data/events/tally.mv.db");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(store)));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(store.getParent())));
        daemon.stop();
        pristine = daemon.root.resolve("pristine.mv.db");
        Files.copy(store, pristine);
        head = query("SELECT MAX(globalIndex) FROM DomainEventEntry");
        assertTrue(head > 10, "a log worth tampering with: " + head + " events");
        try (Connection c = open(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT chain_hash FROM DomainEventEntry WHERE globalIndex = " + head)) {
            assertTrue(rs.next());
            headHash = rs.getString(1);
        }
    }

    /** Puts the untouched store back, changes it with {@code tamper}, and answers verify's verdict. */
    private static Daemon.Result verifyAfter(SqlWork tamper, String... verifyArgs) throws Exception {
        Files.copy(pristine, store, StandardCopyOption.REPLACE_EXISTING);
        try (Connection c = open()) {
            tamper.run(c);
        }
        daemon.start();
        try {
            String[] args = new String[verifyArgs.length + 2];
            args[0] = "audit";
            args[1] = "verify";
            System.arraycopy(verifyArgs, 0, args, 2, verifyArgs.length);
            return daemon.tally(args);
        } finally {
            daemon.stop();
        }
    }

    private static void assertBrokenAt(long sequence, String problem, Daemon.Result verdict) {
        assertEquals(1, verdict.code(), verdict.out() + verdict.err());
        assertTrue(verdict.out().startsWith("chain broken at sequence " + sequence + ": " + problem), verdict.out());
    }

    @Test
    void anIntactLogVerifiesWithAndWithoutTheSignedCheckpoint() throws Exception {
        Daemon.Result verdict = verifyAfter(c -> { }, "--checkpoint", checkpoint.toString(),
                "--public-key", publicKey.toString());
        assertEquals(0, verdict.code(), verdict.out() + verdict.err());
        assertTrue(verdict.out().contains("matches the checkpoint signed by SHA256:"), verdict.out());
    }

    @Test
    void anEditedPayloadIsCaughtAtItsSequence() throws Exception {
        long row = query("SELECT globalIndex FROM DomainEventEntry WHERE payloadType LIKE '%VolumeCreated' "
                + "AND UTF8TOSTRING(CAST(payload AS VARBINARY)) LIKE '%evidence%'");
        assertBrokenAt(row, "hash does not match its content", verifyAfter(c -> {
            byte[] payload = bytes(c, "SELECT payload FROM DomainEventEntry WHERE globalIndex = " + row);
            byte[] forged = new String(payload, StandardCharsets.UTF_8).replace("evidence", "innocent")
                    .getBytes(StandardCharsets.UTF_8);
            assertNotEquals(new String(payload, StandardCharsets.UTF_8), new String(forged, StandardCharsets.UTF_8));
            update(c, "UPDATE DomainEventEntry SET payload = ? WHERE globalIndex = " + row, forged);
        }));
    }

    @Test
    void editedMetaDataIsCaughtAtItsSequence() throws Exception {
        long row = head / 2;
        assertBrokenAt(row, "hash does not match its content", verifyAfter(c -> update(c,
                "UPDATE DomainEventEntry SET metaData = ? WHERE globalIndex = " + row,
                "{\"traceId\":\"forged\"}".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void aDeletedRowInTheMiddleIsNamedMissing() throws Exception {
        long row = head / 2 + 1;
        assertBrokenAt(row, "sequence " + row + " is missing", verifyAfter(c -> update(c,
                "DELETE FROM DomainEventEntry WHERE globalIndex = " + row)));
    }

    @Test
    void swappedPayloadsAreCaughtAtTheFirstOfTheTwo() throws Exception {
        long first = head / 2 - 1;
        long second = head / 2 + 2;
        assertBrokenAt(first, "hash does not match its content", verifyAfter(c -> {
            byte[] a = bytes(c, "SELECT payload FROM DomainEventEntry WHERE globalIndex = " + first);
            byte[] b = bytes(c, "SELECT payload FROM DomainEventEntry WHERE globalIndex = " + second);
            update(c, "UPDATE DomainEventEntry SET payload = ? WHERE globalIndex = " + first, b);
            update(c, "UPDATE DomainEventEntry SET payload = ? WHERE globalIndex = " + second, a);
        }));
    }

    @Test
    void aRewriteWithEveryHashRecomputedIsCaughtOnlyWithTheCheckpointTakenBefore() throws Exception {
        long row = head / 2;
        SqlWork rewrite = c -> {
            update(c, "UPDATE DomainEventEntry SET metaData = ? WHERE globalIndex = " + row,
                    "{\"traceId\":\"forged\"}".getBytes(StandardCharsets.UTF_8));
            rechain(c);
        };
        Daemon.Result unaided = verifyAfter(rewrite);
        assertEquals(0, unaided.code(), "a consistent rewrite passes without a checkpoint: " + unaided.out());
        assertBrokenAt(head, "the chain does not match the checkpoint here",
                verifyAfter(rewrite, "--checkpoint", checkpoint.toString(), "--public-key", publicKey.toString()));
    }

    @Test
    void anIntrudersRewriteWithACheckpointSignedByTheirOwnKeyIsRefusedUnlessTheirKeyIsTrusted() throws Exception {
        long row = head / 2;
        Files.copy(pristine, store, StandardCopyOption.REPLACE_EXISTING);
        try (Connection c = open()) {
            update(c, "UPDATE DomainEventEntry SET metaData = ? WHERE globalIndex = " + row,
                    "{\"traceId\":\"forged\"}".getBytes(StandardCharsets.UTF_8));
            rechain(c);
        }
        assertRewrittenInTheFile(row);
        Path intruder = daemon.root.resolve("intruder-keys");
        daemon.start();
        try {
            assertEquals(0, daemon.tally("audit", "keygen", "--out", intruder.toString()).code());
            Daemon.Result taken = daemon.tally("audit", "checkpoint", "--sign-key",
                    intruder.resolve("tally-audit.key").toString());
            assertEquals(0, taken.code(), taken.err());
            // the intruder's checkpoint replaces the admin's file: same name, their key inside
            Path forged = daemon.root.resolve("forged-checkpoint.json");
            Files.writeString(forged, taken.out());

            Daemon.Result selfVouched = daemon.tally("audit", "verify", "--checkpoint", forged.toString());
            assertEquals(2, selfVouched.code(), selfVouched.out() + selfVouched.err());
            assertTrue(selfVouched.err().contains("proves nothing against the key the checkpoint carries"),
                    selfVouched.err());
            Daemon.Result againstTheAdminsKey = daemon.tally("audit", "verify", "--checkpoint", forged.toString(),
                    "--public-key", publicKey.toString());
            assertEquals(2, againstTheAdminsKey.code(), againstTheAdminsKey.out() + againstTheAdminsKey.err());
            assertTrue(againstTheAdminsKey.err().contains("does not verify with " + publicKey), againstTheAdminsKey.err());
            Daemon.Result againstThePin = daemon.tally("audit", "verify", "--checkpoint", forged.toString(),
                    "--key-fingerprint", fingerprint(publicKey));
            assertEquals(2, againstThePin.code(), againstThePin.out() + againstThePin.err());
            assertTrue(againstThePin.err().contains("not by the pinned " + fingerprint(publicKey)), againstThePin.err());
            // the chain the intruder recomputed is consistent: only the trust in the checkpoint catches it
            Daemon.Result trustingTheIntruder = daemon.tally("audit", "verify", "--checkpoint", forged.toString(),
                    "--public-key", intruder.resolve("tally-audit.pub").toString());
            assertEquals(0, trustingTheIntruder.code(), trustingTheIntruder.out() + trustingTheIntruder.err());
            assertBrokenAt(head, "the chain does not match the checkpoint here", daemon.tally("audit", "verify",
                    "--checkpoint", checkpoint.toString(), "--key-fingerprint", fingerprint(publicKey)));
        } finally {
            daemon.stop();
        }
    }

    /**
     * The rewrite is in the store's file before the daemon opens it, read back through a connection
     * of its own: under load this test once saw the daemon verify the chain as it was before the
     * rewrite, and this tells the file's part from the daemon's.
     */
    private static void assertRewrittenInTheFile(long row) throws SQLException {
        try (Connection c = open()) {
            assertEquals("{\"traceId\":\"forged\"}", new String(bytes(c, "SELECT metaData FROM DomainEventEntry "
                    + "WHERE globalIndex = " + row), StandardCharsets.UTF_8), "the forged row is in the file");
            try (ResultSet rs = c.createStatement().executeQuery("SELECT chain_hash FROM DomainEventEntry "
                    + "WHERE globalIndex = " + head)) {
                assertTrue(rs.next());
                assertNotEquals(headHash, rs.getString(1), "the recomputed chain is in the file");
            }
        }
    }

    /** The fingerprint of a public key file as tally prints it: SHA256: and the digest of its DER, in hex. */
    private static String fingerprint(Path pem) throws Exception {
        String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = java.util.Base64.getDecoder().decode(base64);
        return "SHA256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
    }

    @Test
    void aDeletedLastRowIsCaughtWithTheCheckpoint() throws Exception {
        SqlWork cutTheEnd = c -> update(c, "DELETE FROM DomainEventEntry WHERE globalIndex = " + head);
        assertEquals(0, verifyAfter(cutTheEnd).code(), "a shorter log is consistent on its own");
        Daemon.Result verdict = verifyAfter(cutTheEnd, "--checkpoint", checkpoint.toString(),
                "--public-key", publicKey.toString());
        assertBrokenAt(head, "the log ends at sequence " + (head - 1), verdict);
    }

    @Test
    void aNonAdminIsRefusedAndTheRefusalIsChainedToo() throws Exception {
        Files.copy(pristine, store, StandardCopyOption.REPLACE_EXISTING);
        daemon.start();
        try {
            Files.setPosixFilePermissions(daemon.root, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
            Files.setPosixFilePermissions(daemon.socket.getParent(), java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
            String group = Daemon.exec(List.of("getent", "group", "tally"), Map.of()).out().split(":")[2];
            Daemon.Result asNobody = Daemon.exec(List.of("setpriv", "--reuid=65534", "--regid=65534", "--groups=" + group,
                    "curl", "-s", "-w", "\n%{http_code}", "--unix-socket", daemon.socket.toString(),
                    "http://localhost/v1.50/tally/v1/audit/verify"), Map.of());
            assertTrue(asNobody.out().endsWith("\n403"), asNobody.out() + asNobody.err());
            assertTrue(asNobody.out().contains("for tally admins only"), asNobody.out());
            Daemon.Result verdict = daemon.tally("audit", "verify", "--checkpoint", checkpoint.toString(),
                    "--public-key", publicKey.toString());
            assertEquals(0, verdict.code(), verdict.out() + verdict.err());
            assertTrue(verdict.out().startsWith("chain intact: " + (head + 1) + " events"), verdict.out());
        } finally {
            daemon.stop();
        }
    }

    @Test
    void concurrentRequestsAndRefusedOnesKeepOneIntactChain() throws Exception {
        Files.copy(pristine, store, StandardCopyOption.REPLACE_EXISTING);
        daemon.start();
        try {
            java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(6);
            List<java.util.concurrent.Future<Integer>> codes = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String name = "parallel" + i;
                codes.add(clients.submit(() -> daemon.tally("volume", "create", name).code()
                        + daemon.tally("volume", "rm", name).code()));
                codes.add(clients.submit(() -> daemon.tally("volume", "rm", "ghost").code()));
            }
            int failed = 0;
            for (java.util.concurrent.Future<Integer> code : codes) {
                failed += code.get() == 0 ? 0 : 1;
            }
            clients.shutdown();
            assertEquals(6, failed, "each rm of a volume that does not exist fails, nothing else does");
            Daemon.Result verdict = daemon.tally("audit", "verify", "--checkpoint", checkpoint.toString(),
                    "--public-key", publicKey.toString());
            assertEquals(0, verdict.code(), verdict.out() + verdict.err());
            assertTrue(verdict.out().startsWith("chain intact: " + (head + 12) + " events, head " + (head + 12) + " "),
                    verdict.out());
        } finally {
            daemon.stop();
        }
    }

    interface SqlWork {
        void run(Connection c) throws Exception;
    }

    private static Connection open() throws SQLException {
        return DriverManager.getConnection("jdbc:h2:file:" + daemon.root.resolve("data/events/tally"), "sa", "");
    }

    private static long query(String sql) throws SQLException {
        try (Connection c = open(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getLong(1);
        }
    }

    private static byte[] bytes(Connection c, String sql) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getBytes(1);
        }
    }

    private static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            assertEquals(1, ps.executeUpdate(), sql);
        }
    }

    /**
     * What an intruder who read the documented format does after an edit: recompute every row's hash,
     * written here from the format, apart from the daemon's code.
     */
    private static void rechain(Connection c) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        byte[] previous = new byte[32];
        try (ResultSet rs = c.createStatement().executeQuery("SELECT globalIndex, eventIdentifier, aggregateIdentifier, "
                + "sequenceNumber, type, timeStamp, payloadType, payloadRevision, payload, metaData "
                + "FROM DomainEventEntry ORDER BY globalIndex");
             PreparedStatement set = c.prepareStatement("UPDATE DomainEventEntry SET chain_hash = ? WHERE globalIndex = ?")) {
            while (rs.next()) {
                ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                DataOutputStream out = new DataOutputStream(buffer);
                out.write("tally-chain-v1".getBytes(StandardCharsets.US_ASCII));
                out.write(previous);
                out.writeLong(rs.getLong(1));
                field(out, rs.getString(2));
                field(out, rs.getString(3));
                out.writeLong(rs.getLong(4));
                field(out, rs.getString(5));
                field(out, rs.getString(6));
                field(out, rs.getString(7));
                field(out, rs.getString(8));
                field(out, rs.getBytes(9));
                field(out, rs.getBytes(10));
                previous = sha256.digest(buffer.toByteArray());
                set.setString(1, HexFormat.of().formatHex(previous));
                set.setLong(2, rs.getLong(1));
                set.executeUpdate();
            }
        }
    }

    private static void field(DataOutputStream out, Object value) throws IOException {
        byte[] b = value == null ? null : value instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) value;
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) {
            out.write(b);
        }
    }
}
