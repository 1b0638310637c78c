package dev.tally.ops;

import java.lang.reflect.Field;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ModifierSupport;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Gives {@link BusyboxDaemon} fields and parameters their daemon: static fields before the class's
 * tests, instance fields and parameters before each test. Each daemon is kept in the store of the
 * context it serves, which closes it ({@link Daemon#close()}) when that context ends.
 */
final class BusyboxDaemonExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace DAEMONS = ExtensionContext.Namespace.create(BusyboxDaemonExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        inject(context, null, ModifierSupport::isStatic);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        inject(context, context.getRequiredTestInstance(), ModifierSupport::isNotStatic);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.isAnnotated(BusyboxDaemon.class) && parameter.getParameter().getType() == Daemon.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        try {
            return started(context, parameter.findAnnotation(BusyboxDaemon.class).orElseThrow());
        } catch (Exception e) {
            throw new IllegalStateException("starting the daemon for " + parameter.getParameter() + ": " + e, e);
        }
    }

    private static void inject(ExtensionContext context, Object instance, Predicate<Field> which) throws Exception {
        for (Field field : AnnotationSupport.findAnnotatedFields(context.getRequiredTestClass(), BusyboxDaemon.class,
                which, HierarchyTraversalMode.TOP_DOWN)) {
            if (field.getType() != Daemon.class) {
                throw new IllegalStateException("@BusyboxDaemon goes on a Daemon, not on " + field);
            }
            field.setAccessible(true);
            field.set(instance, started(context, field.getAnnotation(BusyboxDaemon.class)));
        }
    }

    /** A daemon closed with {@code context}, even when it fails to start or to import busybox. */
    private static Daemon started(ExtensionContext context, BusyboxDaemon config) throws Exception {
        Daemon daemon = new Daemon();
        context.getStore(DAEMONS).put(daemon, (ExtensionContext.Store.CloseableResource) daemon::close);
        ReflectionSupport.newInstance(config.beforeStart()).prepare(daemon);
        daemon.start();
        daemon.importBusybox();
        return daemon;
    }
}
