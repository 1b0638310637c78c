package dev.tally.runtime;

import dev.tally.domain.container.ContainerRuntime;
import dev.tally.domain.container.ContainerRuntimeContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The runc runtime (runc, conmon, overlay, busybox) keeps the contract the use cases rely on. */
class RuncRuntimeContractTest extends ContainerRuntimeContract {

    private static RealRunc runc;
    private static final ReportedExits EXITS = new ReportedExits();

    @BeforeAll
    static void start() throws Exception {
        runc = new RealRunc();
        runc.runtime.onExit(EXITS);
        runc.runtime.watchExits();
    }

    @AfterAll
    static void stop() {
        runc.close();
    }

    @Override
    protected ContainerRuntime runtime() {
        return runc.runtime;
    }

    @Override
    protected String imageId() {
        return runc.imageId;
    }

    @Override
    protected ReportedExits exits() {
        return EXITS;
    }
}
