package dev.tally.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DaemonLogTest {

    @Test
    void aRequestsTextCannotStartALineOrDriveTheTerminal() {
        assertEquals("request failed: No such container: a\\nb\\x1b[2J\\u009b\\x7f\\t",
                DaemonLog.escape("request failed: No such container: a\nb\u001b[2J\u009b\u007f\t"));
    }

    @Test
    void ordinaryTextIsLoggedAsItIs() {
        assertEquals("reading the log of 3f0c größe failed", DaemonLog.escape("reading the log of 3f0c größe failed"));
    }
}
