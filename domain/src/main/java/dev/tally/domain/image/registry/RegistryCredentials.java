package dev.tally.domain.image.registry;

/**
 * What a caller proves itself with to a registry: a user name and password, or an identity token
 * (a refresh token a login got). Never stored, never logged: {@link #toString()} shows no secret.
 *
 * @param username      the user name, or empty
 * @param password      the password, or empty
 * @param identityToken the token of an OAuth2 login, or empty
 */
public record RegistryCredentials(String username, String password, String identityToken) {

    public static final RegistryCredentials NONE = new RegistryCredentials("", "", "");

    public RegistryCredentials {
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        identityToken = identityToken == null ? "" : identityToken;
    }

    /** Whether any credential is given. */
    public boolean present() {
        return !username.isEmpty() || !password.isEmpty() || !identityToken.isEmpty();
    }

    /** The secrets themselves, as a list a caller may search text for before it lets that text out. */
    public java.util.List<String> secrets() {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (password.length() >= 4) {
            out.add(password);
        }
        if (identityToken.length() >= 4) {
            out.add(identityToken);
        }
        return out;
    }

    @Override
    public String toString() {
        return present() ? "credentials of " + (username.isEmpty() ? "a token" : username) : "no credentials";
    }
}
