package dev.tally.cli;

import picocli.CommandLine;

/** {@code tally audit}: the audit verbs; alone, it prints its usage. */
final class AuditCmd extends VerbCommand {

    AuditCmd() {
        super("audit", "Audit the event log");
        add(new AuditLogCmd());
        add(new AuditExportCmd());
        add(new AuditCheckpointCmd());
        add(new AuditVerifyCmd());
        add(new AuditKeygenCmd());
    }

    private void add(VerbCommand subVerb) {
        spec().addSubcommand(subVerb.spec().name(), new CommandLine(subVerb.spec()));
    }

    @Override
    public Integer call() {
        spec().commandLine().usage(out());
        return 0;
    }
}
