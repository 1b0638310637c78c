package dev.tally.runtime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A PAX extended header's content with raw byte values ({@code "LEN KEY=VALUE\n"}, LEN counting the whole record). */
final class PaxRecords {

    private PaxRecords() {
    }

    static byte[] encode(Map<String, byte[]> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        records.forEach((key, value) -> {
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            int rest = k.length + value.length + 3; // ' ', '=', '\n'
            int len = rest + Integer.toString(rest).length();
            if (Integer.toString(len).length() != Integer.toString(rest).length()) {
                len = rest + Integer.toString(len).length(); // the length's own digits made it one digit longer
            }
            out.writeBytes((len + " ").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(k);
            out.write('=');
            out.writeBytes(value);
            out.write('\n');
        });
        return out.toByteArray();
    }

    /** The PAX header's own name, as commons-compress and GNU tar make it (ASCII, under 100 bytes). */
    static String headerName(String entryName) {
        StringBuilder b = new StringBuilder("./PaxHeaders.X/");
        for (char c : entryName.toCharArray()) {
            char seven = (char) (c & 0x7f);
            b.append(seven == 0 || seven == '/' || seven == '\\' ? '_' : seven);
        }
        return b.length() >= 100 ? b.substring(0, 99) : b.toString();
    }
}
