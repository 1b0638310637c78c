package dev.tally.runtime;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host program to completion and keeps what it said. */
record HostCommand(int exitCode, String stdout, String stderr) {

    static HostCommand run(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            byte[] err;
            byte[] out = p.getInputStream().readAllBytes();
            err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new DomainException(DomainException.Kind.FAILED, String.join(" ", argv) + ": timed out");
            }
            return new HostCommand(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "run " + argv.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DomainException(DomainException.Kind.FAILED, "interrupted while running " + argv.get(0), e);
        }
    }

    boolean ok() {
        return exitCode == 0;
    }

    /** runc logs like {@code time="…" level=error msg="…"}: the message alone, unquoted. */
    static String runcMessage(String text) {
        int at = text.lastIndexOf("msg=\"");
        if (at < 0) {
            return text.strip();
        }
        StringBuilder b = new StringBuilder();
        for (int i = at + 5; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                b.append(text.charAt(++i));
            } else if (c == '"') {
                break;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
