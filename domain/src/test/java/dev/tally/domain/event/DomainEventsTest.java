package dev.tally.domain.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.Actor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every event of the domain (each record in a feature's {@code event} package) describes itself in
 * full, so that the audit, Docker's {@code /events} and visibility need no word about it: that is
 * what lets a new event be its record, its aggregate and the projections that care, and no more.
 */
class DomainEventsTest {

    private static final Instant AT = Instant.parse("2026-11-23T10:00:00Z");
    private static final Actor ALICE = new Actor(1001, 1001, "alice", 1, "unix:pid=1");

    @Test
    void everyEventDescribesItselfInFull() throws Exception {
        List<Class<?>> events = eventClasses();
        assertTrue(events.size() >= 17, "events found: " + events);
        for (Class<?> type : events) {
            assertTrue(DomainEvent.class.isAssignableFrom(type), type + " does not implement DomainEvent");
            DomainEvent e = (DomainEvent) sample(type);
            String name = type.getSimpleName();
            assertEquals(ALICE, e.actor(), name);
            assertEquals(AT, e.at(), name);
            Subject s = e.subject();
            assertNotNull(s, name);
            assertFalse(s.kind().isEmpty(), name + ": subject kind");
            for (String part : new String[] {s.id(), s.name(), s.image(), s.imageId()}) {
                assertNotNull(part, name + ": subject " + s);
            }
            assertNotNull(s.container(), name);
            assertNotNull(e.auditVerb(), name);
            Outcome o = e.outcome();
            assertNotNull(o, name);
            assertNotNull(o.kind(), name);
            assertTrue(o.code() >= 200 && o.code() < 600, name + ": code " + o.code());
            assertNotNull(o.message(), name);
            assertNotNull(e.annotations(), name);
            assertNotNull(e.dockerMessage(), name + ": say Optional.empty() when Docker shows nothing");
            e.dockerMessage().ifPresent(m -> {
                assertFalse(m.type().isEmpty() || m.action().isEmpty(), name + ": " + m);
                assertNotNull(m.id(), name);
            });
            Audience a = e.audience();
            assertNotNull(a, name);
            assertNotNull(a.scope(), name);
            assertNotNull(a.change(), name);
            if (a.scope() == Audience.Scope.CONTAINER || a.scope() == Audience.Scope.VOLUME) {
                assertFalse(a.id().isEmpty(), name + ": audience of which " + a.scope());
            }
            if (a.change() == Audience.Change.GRANT || a.change() == Audience.Change.REVOKE) {
                assertNotNull(a.grantee(), name);
            }
        }
    }

    /** Events are stored as their components: a getter-like method would become a stored property. */
    @Test
    void noEventHasAMethodTheSerializerWouldTakeForAProperty() throws Exception {
        for (Class<?> type : eventClasses()) {
            Set<String> components = Stream.of(type.getRecordComponents()).map(RecordComponent::getName)
                    .collect(Collectors.toSet());
            for (Method m : type.getMethods()) {
                boolean accessorLike = m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers())
                        && m.getName().matches("(get|is)[A-Z].*") && !m.getName().equals("getClass");
                assertFalse(accessorLike && !components.contains(m.getName()), type + "." + m.getName());
            }
        }
    }

    /** The records in the domain's {@code …/event} packages, found in the compiled classes. */
    static List<Class<?>> eventClasses() throws Exception {
        Path root = Path.of(DomainEvent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class") && !f.toString().contains("$")).toList()) {
                String name = root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (name.matches("dev\\.tally\\.domain\\.\\w+\\.event\\.\\w+")
                        && !name.startsWith(DomainEvent.class.getPackageName() + ".")) {
                    Class<?> type = Class.forName(name);
                    if (type.isRecord()) {
                        found.add(type);
                    }
                }
            }
        }
        return found;
    }

    /** An instance with a plain value for every component, nested records included. */
    static Object sample(Class<?> type) throws Exception {
        RecordComponent[] parts = type.getRecordComponents();
        Object[] args = new Object[parts.length];
        Class<?>[] types = new Class<?>[parts.length];
        for (int i = 0; i < parts.length; i++) {
            types[i] = parts[i].getType();
            args[i] = value(parts[i].getName(), parts[i].getType(), parts[i].getGenericType());
        }
        Constructor<?> canonical = type.getDeclaredConstructor(types);
        return canonical.newInstance(args);
    }

    private static Object value(String name, Class<?> type, Type generic) throws Exception {
        if (type == Actor.class) {
            return ALICE;
        } else if (type == Instant.class) {
            return AT;
        } else if (type == String.class) {
            return name.equals("object") ? "container/web" : name.equals("action") ? "container.stop" : name + "-1";
        } else if (type == int.class || type == Integer.class) {
            return 403; // a status among them must be one
        } else if (type == long.class || type == Long.class) {
            return 4L;
        } else if (type == boolean.class || type == Boolean.class) {
            return true;
        } else if (type == List.class) {
            Type item = ((ParameterizedType) generic).getActualTypeArguments()[0];
            return List.of(value(name, (Class<?>) item, item));
        } else if (type == Map.class) {
            return Map.of("k", "v");
        } else if (type.isRecord()) {
            return sample(type);
        }
        throw new AssertionError("no sample value for " + type + " " + name);
    }
}
