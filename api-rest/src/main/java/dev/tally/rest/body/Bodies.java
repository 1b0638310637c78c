package dev.tally.rest.body;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tally.domain.DomainException;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one place where request bodies become typed records. As dockerd reads them: an explicit
 * {@code null}, an absent field and the field's zero value ({@code false}, 0, "", [], {}) mean the
 * same (docker-java sends nearly every field as null), except that a null element of a list is left
 * out; names match whatever their case (as Go's decoder: docker-java sends {@code NanoCPUs}); fields a
 * record does not name are ignored unless it keeps them ({@code @JsonAnySetter}); an empty body is an empty object. Malformed JSON or a value of the wrong type is INVALID (400), naming the field.
 */
public final class Bodies {

    /** A null read as the type's zero value, and so is a null value in a map. */
    private static final JsonSetter.Value ZERO = JsonSetter.Value.forValueNulls(Nulls.AS_EMPTY, Nulls.AS_EMPTY);
    /** A null list read as an empty one; a null element is left out (a record has no zero to stand in). */
    private static final JsonSetter.Value ZERO_LIST = JsonSetter.Value.forValueNulls(Nulls.AS_EMPTY, Nulls.SKIP);

    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // as Go's encoding/json: "true" is not a boolean, "64m" is not a number
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withConfigOverride(List.class, o -> o.setSetterInfo(ZERO_LIST))
            .withConfigOverride(Map.class, o -> o.setSetterInfo(ZERO))
            .withConfigOverride(String.class, o -> o.setSetterInfo(ZERO))
            .withConfigOverride(Boolean.class, o -> o.setSetterInfo(ZERO))
            .withConfigOverride(Integer.class, o -> o.setSetterInfo(ZERO))
            .withConfigOverride(Long.class, o -> o.setSetterInfo(ZERO))
            .build();

    private Bodies() {
    }

    /** {@code json} read as {@code type}; no bytes, or a bare {@code null}, read as {@code {}}. */
    public static <T> T read(byte[] json, Class<T> type) {
        try {
            T body = json.length == 0 ? null : JSON.readValue(json, type);
            return body != null ? body : JSON.readValue("{}", type);
        } catch (MismatchedInputException e) {
            throw DomainException.invalid("invalid JSON: " + field(e) + "expected " + shape(e.getTargetType()));
        } catch (JsonProcessingException e) {
            throw DomainException.invalid("invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw DomainException.invalid("invalid JSON: " + e.getMessage());
        }
    }

    /** A record with every field at its zero value, as an empty body reads. */
    static <T> T zero(Class<T> type) {
        return read(new byte[0], type);
    }

    private static String field(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        return path.isEmpty() ? "" : path + ": ";
    }

    private static String shape(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }
}
