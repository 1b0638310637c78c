package dev.tally.cli.format;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;

/**
 * Pretty-prints parsed JSON (maps, lists, scalars) as docker inspect does: four-space indentation,
 * {@code "key": value}, empty objects and arrays as {@code {}} and {@code []}, nulls kept.
 */
public final class JsonIndenter {

    private static final DefaultIndenter FOUR_SPACES = new DefaultIndenter("    ", "\n");
    private static final JSON PRETTY = JSON.std
            .with(new DefaultPrettyPrinter()
                    .withObjectIndenter(FOUR_SPACES)
                    .withArrayIndenter(FOUR_SPACES)
                    .withSeparators(Separators.createDefaultInstance()
                            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                            .withObjectEmptySeparator("")
                            .withArrayEmptySeparator("")))
            .with(JSON.Feature.WRITE_NULL_PROPERTIES);

    private JsonIndenter() {
    }

    public static String indent(Object value) throws IOException {
        return PRETTY.asString(value);
    }
}
