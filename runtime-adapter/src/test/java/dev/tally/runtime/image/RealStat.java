package dev.tally.runtime.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** What coreutils' stat says of a file: its type and, for a device, its numbers. */
final class RealStat {

    private RealStat() {
    }

    /** "c MAJOR MINOR" for a character device, "f" for a regular file, "d" a directory, "l" a link. */
    static String typeAndDevice(Path p) throws IOException {
        Process proc = new ProcessBuilder("stat", "-c", "%F %t %T", p.toString()).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            proc.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (out.startsWith("character special file")) {
            String[] f = out.split(" ");
            return "c " + Integer.parseInt(f[f.length - 2], 16) + " " + Integer.parseInt(f[f.length - 1], 16);
        }
        return switch (out.split(" ")[0]) {
            case "regular" -> "f";
            case "directory" -> "d";
            case "symbolic" -> "l";
            default -> out;
        };
    }
}
