package dev.tally.domain.event;

import java.util.LinkedHashMap;
import java.util.Map;

/** Audit annotations in the order they are given (values may be null: written as null). */
public final class Annotations {

    private Annotations() {
    }

    /** From name, value, name, value … */
    public static Map<String, Object> of(Object... nameValue) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < nameValue.length; i += 2) {
            m.put((String) nameValue[i], nameValue[i + 1]);
        }
        return m;
    }
}
