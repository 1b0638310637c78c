package dev.tally.domain.container;

/** The run lifecycle, named as Docker names its states where they match. */
public enum ContainerStatus {
    CREATED("created"), STARTING("created"), RUNNING("running"), EXITED("exited"), REMOVED("removing");

    private final String dockerName;

    ContainerStatus(String dockerName) {
        this.dockerName = dockerName;
    }

    public String dockerName() {
        return dockerName;
    }
}
