package dev.tally.rest.body;

/**
 * The body of {@code POST /auth} (Docker's auth config): a user name and password, or {@code auth}
 * (base64 of {@code user:password}), or an identity token; {@code serveraddress} names the registry.
 */
public record AuthBody(String username, String password, String auth, String email, String serveraddress,
                       String identitytoken, String registrytoken) {

    @Override
    public String toString() {
        return "auth for " + serveraddress;
    }
}
