package dev.tally.cli.audit;

import dev.tally.cli.VerbGroup;

/** {@code tally audit}: query, export and verify the event log (admins only). */
public final class AuditCmd extends VerbGroup {

    public AuditCmd() {
        super("audit", "Audit the event log", new AuditLogCmd(), new AuditExportCmd(), new AuditCheckpointCmd(),
                new AuditVerifyCmd(), new AuditKeygenCmd());
    }
}
