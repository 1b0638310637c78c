package dev.tally.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Issue 14: a 500 never leaks the daemon's insides; what the daemon understands keeps its words. */
class ErrorMapperTest {

    private static final Pattern SHORT = Pattern.compile("internal error ([0-9a-f]{12}); see the daemon log");

    @Test
    void anUnexpectedExceptionAnswersAShortMessageWithAnIdAndLogsItsStackUnderThatId() {
        List<String> log = new ArrayList<>();
        NullPointerException bug = new NullPointerException(
                "Cannot invoke \"java.lang.Boolean.booleanValue()\" because \"tty\" is null");

        ErrorMapper.Answer answer = ErrorMapper.answer(bug, "POST /containers/create", log::add);

        assertEquals(500, answer.status());
        Matcher m = SHORT.matcher(answer.message());
        assertTrue(m.matches(), answer.message());
        assertFalse(answer.message().contains("Boolean") || answer.message().contains("java"), answer.message());
        String id = m.group(1);
        assertTrue(log.size() > 2, "the stack is logged: " + log);
        assertTrue(log.stream().allMatch(l -> l.contains("internal error " + id + ":")), log.toString());
        assertTrue(log.get(0).startsWith("request failed: ") && log.get(0).contains("POST /containers/create"), log.get(0));
        assertTrue(log.stream().anyMatch(l -> l.contains("booleanValue")), "the exception's text: " + log);
        assertTrue(log.stream().anyMatch(l -> l.contains("at dev.tally.rest.ErrorMapperTest")), "its frames: " + log);
    }

    @Test
    void twoUnexpectedFailuresGetTwoIds() {
        List<String> log = new ArrayList<>();
        String one = ErrorMapper.answer(new IllegalStateException("x"), "GET /a", log::add).message();
        String two = ErrorMapper.answer(new IllegalStateException("x"), "GET /a", log::add).message();
        assertFalse(one.equals(two), one);
    }

    @Test
    void aCauseIsLoggedNotAnswered() {
        List<String> log = new ArrayList<>();
        RuntimeException wrapped = new RuntimeException("outer", new java.io.IOException("/var/lib/tally/secret: EIO"));

        ErrorMapper.Answer answer = ErrorMapper.answer(wrapped, "GET /x", log::add);

        assertFalse(answer.message().contains("/var/lib/tally"), answer.message());
        assertTrue(log.stream().anyMatch(l -> l.contains("Caused by: java.io.IOException: /var/lib/tally/secret: EIO")), log.toString());
    }

    @Test
    void failuresTheDaemonUnderstandsKeepTheirMessageAndStatus() {
        List<String> log = new ArrayList<>();
        assertEquals(new ErrorMapper.Answer(404, "No such container: web"),
                ErrorMapper.answer(DomainException.notFound("No such container: web"), "GET /x", log::add));
        assertEquals(new ErrorMapper.Answer(400, "invalid JSON: Tty: expected true or false"),
                ErrorMapper.answer(DomainException.invalid("invalid JSON: Tty: expected true or false"), "GET /x", log::add));
        assertEquals(new ErrorMapper.Answer(507, "no space left on device"), ErrorMapper.answer(
                new DomainException(DomainException.Kind.NO_SPACE, "no space left on device"), "GET /x", log::add));
        assertEquals(new ErrorMapper.Answer(429, "too many requests"),
                ErrorMapper.answer(OverLimit.tooMany("too many requests"), "GET /x", log::add));
        assertTrue(log.isEmpty(), log.toString());
    }

    @Test
    void aRuntimeFailureKeepsItsMessageAnd500AndIsLoggedInOneLine() {
        List<String> log = new ArrayList<>();
        ErrorMapper.Answer answer = ErrorMapper.answer(new DomainException(DomainException.Kind.FAILED,
                "runc start: container init failed: exec: \"nope\": not found"), "POST /containers/a/start", log::add);
        assertEquals(new ErrorMapper.Answer(500, "runc start: container init failed: exec: \"nope\": not found"), answer);
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).startsWith("request failed: "), log.get(0));
    }
}
