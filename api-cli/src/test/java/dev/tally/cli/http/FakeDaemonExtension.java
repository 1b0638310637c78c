package dev.tally.cli.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh {@link FakeDaemon} for every test of a class annotated
 * {@code @ExtendWith(FakeDaemonExtension.class)}: before each test (and before the class's own
 * {@code @BeforeEach} methods, which may add routes) it is started on a socket in a temporary
 * directory and assigned to every non-static {@code FakeDaemon} field of the test instance; after
 * each test it is closed, its directory removed, and the test fails if any handler failed.
 */
public final class FakeDaemonExtension implements BeforeEachCallback, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(FakeDaemonExtension.class);

    /** What one test holds: its daemon and the directory of its socket. */
    private record Started(FakeDaemon daemon, Path dir) {
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        Path dir = Files.createTempDirectory("fake-daemon");
        FakeDaemon daemon = FakeDaemon.start(dir);
        context.getStore(NAMESPACE).put(Started.class, new Started(daemon, dir));
        Object test = context.getRequiredTestInstance();
        for (Class<?> type = test.getClass(); type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (field.getType() == FakeDaemon.class && !Modifier.isStatic(field.getModifiers())) {
                    field.setAccessible(true);
                    field.set(test, daemon);
                }
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        Started started = context.getStore(NAMESPACE).remove(Started.class, Started.class);
        if (started == null) {
            return;
        }
        try {
            started.daemon().close();
            assertEquals(List.of(), started.daemon().failures());
        } finally {
            delete(started.dir());
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException("delete " + path, e);
                }
            });
        }
    }
}
