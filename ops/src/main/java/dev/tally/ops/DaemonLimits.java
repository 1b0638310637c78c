package dev.tally.ops;

import dev.tally.domain.container.ExecLimits;
import dev.tally.rest.ConnectionLimits;
import dev.tally.rest.RequestLimits;
import dev.tally.rest.StreamLimits;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one non-admin user may hold of the daemon, from tallyd's {@code --limit NAME=VALUE} flags
 * (repeatable) over the defaults; docs/security.md lists each with its default. Sizes take k, m or
 * g (powers of 1024); durations s, m or h (seconds without).
 */
record DaemonLimits(RequestLimits requests, ConnectionLimits connections, StreamLimits streams, ExecLimits execs) {

    static final DaemonLimits DEFAULTS = new DaemonLimits(RequestLimits.DEFAULTS, ConnectionLimits.DEFAULTS,
            StreamLimits.DEFAULTS, ExecLimits.DEFAULTS);

    /** The names {@code --limit} takes. */
    static final List<String> NAMES = List.of("requests-per-user", "requests-queued-per-user", "requests-users-total",
            "body-size", "upload-size", "upload-keep-free", "idle-timeout", "connections-per-user",
            "connections-users-total", "event-streams-per-user", "followers-per-user", "execs-per-user",
            "exec-keep-finished", "exec-keep-unstarted", "execs-finished-per-user");

    private static final Pattern SIZE = Pattern.compile("([0-9]{1,18})([kmg]?)b?");
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})([smh]?)");

    /** The defaults with each {@code NAME=VALUE} applied; IllegalArgumentException naming what is wrong. */
    static DaemonLimits parse(List<String> settings) {
        DaemonLimits l = DEFAULTS;
        for (String setting : settings) {
            int eq = setting.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("--limit takes NAME=VALUE, not " + setting + " (names: " + NAMES + ")");
            }
            String name = setting.substring(0, eq);
            String value = setting.substring(eq + 1).toLowerCase(Locale.ROOT);
            try {
                l = l.with(name, value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--limit " + setting + ": " + e.getMessage(), e);
            }
        }
        return l;
    }

    private DaemonLimits with(String name, String v) {
        RequestLimits r = requests;
        ConnectionLimits c = connections;
        StreamLimits s = streams;
        ExecLimits e = execs;
        switch (name) {
            case "requests-per-user" -> r = new RequestLimits(count(v), r.queuedPerUser(), r.usersTotal(), r.bodyBytes(),
                    r.uploadBytes(), r.keepFreeBytes());
            case "requests-queued-per-user" -> r = new RequestLimits(r.perUser(), count(v), r.usersTotal(), r.bodyBytes(),
                    r.uploadBytes(), r.keepFreeBytes());
            case "requests-users-total" -> r = new RequestLimits(r.perUser(), r.queuedPerUser(), count(v), r.bodyBytes(),
                    r.uploadBytes(), r.keepFreeBytes());
            case "body-size" -> r = new RequestLimits(r.perUser(), r.queuedPerUser(), r.usersTotal(), size(v),
                    r.uploadBytes(), r.keepFreeBytes());
            case "upload-size" -> r = new RequestLimits(r.perUser(), r.queuedPerUser(), r.usersTotal(), r.bodyBytes(),
                    size(v), r.keepFreeBytes());
            case "upload-keep-free" -> r = new RequestLimits(r.perUser(), r.queuedPerUser(), r.usersTotal(), r.bodyBytes(),
                    r.uploadBytes(), size(v));
            case "idle-timeout" -> c = new ConnectionLimits(duration(v), c.perUser(), c.usersTotal());
            case "connections-per-user" -> c = new ConnectionLimits(c.idle(), count(v), c.usersTotal());
            case "connections-users-total" -> c = new ConnectionLimits(c.idle(), c.perUser(), count(v));
            case "event-streams-per-user" -> s = new StreamLimits(count(v), s.followersPerUser());
            case "followers-per-user" -> s = new StreamLimits(s.eventsPerUser(), count(v));
            case "execs-per-user" -> e = new ExecLimits(count(v), e.keepFinished(), e.keepUnstarted(), e.finishedPerUser());
            case "exec-keep-finished" -> e = new ExecLimits(e.perUser(), duration(v), e.keepUnstarted(), e.finishedPerUser());
            case "exec-keep-unstarted" -> e = new ExecLimits(e.perUser(), e.keepFinished(), duration(v), e.finishedPerUser());
            case "execs-finished-per-user" -> e = new ExecLimits(e.perUser(), e.keepFinished(), e.keepUnstarted(), count(v));
            default -> throw new IllegalArgumentException("unknown limit (names: " + NAMES + ")");
        }
        return new DaemonLimits(r, c, s, e);
    }

    private static int count(String v) {
        if (!v.matches("[0-9]{1,9}")) {
            throw new IllegalArgumentException("not a count: " + v);
        }
        return Integer.parseInt(v);
    }

    private static long size(String v) {
        Matcher m = SIZE.matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size (e.g. 4m, 8g): " + v);
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        long n = Long.parseLong(m.group(1));
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("too large: " + v);
        }
        return n << shift;
    }

    private static Duration duration(String v) {
        Matcher m = DURATION.matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration (e.g. 60s, 5m): " + v);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }
}
