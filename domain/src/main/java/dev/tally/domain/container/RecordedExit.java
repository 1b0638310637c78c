package dev.tally.domain.container;

/** What the {@link Container} made of a reported exit (the answer to {@code RecordExit} and {@code RecordExitAndRemove}). */
public enum RecordedExit {
    /** Recorded: it ended the run the log had running or starting. */
    RECORDED,
    /** Not recorded: the log has the container neither running nor starting (its end is already recorded). */
    NOT_RUNNING,
    /**
     * Not recorded: it ended another run than the one the log has running or starting now (a late
     * report of an earlier run's exit, after the container was started again). The host is left alone.
     */
    ANOTHER_RUN
}
