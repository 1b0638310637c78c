package dev.tally.domain.container;

/** The fake runtime the use-case tests run on keeps the contract the runc runtime keeps. */
class FakeContainerRuntimeTest extends ContainerRuntimeContract {

    private final FakeContainerRuntime runtime = new FakeContainerRuntime();
    private final ReportedExits exits = new ReportedExits();

    FakeContainerRuntimeTest() {
        runtime.onExit(exits);
        runtime.watchExits();
    }

    @Override
    protected ContainerRuntime runtime() {
        return runtime;
    }

    @Override
    protected String imageId() {
        return "sha256:busybox";
    }

    @Override
    protected ReportedExits exits() {
        return exits;
    }
}
