package dev.tally.domain.container;

import java.time.Duration;

/**
 * How many exec sessions the daemon keeps, and for how long (Docker's own keep every exec of a
 * container as long as the container, unbounded).
 *
 * @param perUser        sessions of one non-admin user open at once: created and not started yet, or
 *                       running; beyond it {@code exec create} is refused (429, recorded)
 * @param keepFinished   how long a finished session stays for {@code exec inspect} after its exit
 * @param keepUnstarted  how long a session created and never started is kept (then it is abandoned)
 * @param finishedPerUser finished sessions kept per user (admins included) within {@code keepFinished};
 *                       beyond it the oldest finished go first
 */
public record ExecLimits(int perUser, Duration keepFinished, Duration keepUnstarted, int finishedPerUser) {

    /** 32 open per user; a finished session kept 5 minutes (64 at most per user); an unstarted one 5 minutes. */
    public static final ExecLimits DEFAULTS = new ExecLimits(32, Duration.ofMinutes(5), Duration.ofMinutes(5), 64);

    public ExecLimits {
        if (perUser < 1 || finishedPerUser < 0 || keepFinished.isNegative() || keepUnstarted.isNegative()) {
            throw new IllegalArgumentException("exec limits must be positive: " + perUser + ", " + keepFinished + ", "
                    + keepUnstarted + ", " + finishedPerUser);
        }
    }
}
