package dev.tally.cli.format;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Pretty-prints parsed JSON (maps, lists, scalars) with four-space indentation, as docker inspect does. */
public final class JsonIndenter {

    private static final String INDENT = "    ";

    private JsonIndenter() {
    }

    public static String indent(Object value) throws IOException {
        StringBuilder out = new StringBuilder();
        write(out, value, "");
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, String indent) throws IOException {
        if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append("{\n");
            Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
            while (entries.hasNext()) {
                Map.Entry<?, ?> entry = entries.next();
                out.append(indent).append(INDENT).append(JSON.std.asString(String.valueOf(entry.getKey()))).append(": ");
                write(out, entry.getValue(), indent + INDENT);
                out.append(entries.hasNext() ? ",\n" : "\n");
            }
            out.append(indent).append('}');
        } else if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append("[\n");
            for (int i = 0; i < list.size(); i++) {
                out.append(indent).append(INDENT);
                write(out, list.get(i), indent + INDENT);
                out.append(i + 1 < list.size() ? ",\n" : "\n");
            }
            out.append(indent).append(']');
        } else if (value == null) {
            out.append("null");
        } else {
            out.append(JSON.std.asString(value));
        }
    }
}
