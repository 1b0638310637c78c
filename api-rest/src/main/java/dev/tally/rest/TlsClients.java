package dev.tally.rest;

import dev.tally.domain.access.AccessControl;
import java.util.Map;

/**
 * Who client certificates are ({@code tlsUsers}: CN to user, from the policy), and where a refused
 * one is recorded. Put on every request's context by {@link DockerApi}; without it no certificate
 * is anyone and refusals are not recorded.
 */
record TlsClients(Map<String, String> users, AccessControl access) {

    static final String KEY = "tally.tlsClients";
    static final TlsClients NOBODY = new TlsClients(Map.of(), null);

    TlsClients {
        users = Map.copyOf(users);
    }
}
