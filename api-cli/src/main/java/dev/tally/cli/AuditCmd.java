package dev.tally.cli;

/** {@code tally audit}: query, export and verify the event log (admins only). */
final class AuditCmd extends VerbGroup {

    AuditCmd() {
        super("audit", "Audit the event log", new AuditLogCmd(), new AuditExportCmd(), new AuditCheckpointCmd(),
                new AuditVerifyCmd(), new AuditKeygenCmd());
    }
}
