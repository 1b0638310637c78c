package dev.tally.ops;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real tallyd (a {@link Daemon}) started on a fresh temp root, with busybox:latest imported, for an
 * integration test. On a static field: one daemon for the whole class, there before its
 * {@code @BeforeAll} methods run. On an instance field or a test method's parameter: a fresh one for
 * each test (for tests that crash, restart or tamper with their daemon). Afterwards the extension
 * removes the daemon's containers, stops it and deletes its root, whether the tests passed or not.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(BusyboxDaemonExtension.class)
@interface BusyboxDaemon {

    /** What must be on the host or under the daemon's root before it starts, and the flags it needs. */
    Class<? extends BeforeStart> beforeStart() default BeforeStart.Nothing.class;

    /** Made by its no-argument constructor, once for each daemon. */
    interface BeforeStart {

        /** Runs before tallyd starts; adds flags with {@link Daemon#withArgs}. */
        void prepare(Daemon unstarted) throws Exception;

        /** The plain daemon. */
        final class Nothing implements BeforeStart {
            @Override
            public void prepare(Daemon unstarted) {
            }
        }
    }
}
