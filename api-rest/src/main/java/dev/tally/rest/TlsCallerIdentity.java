package dev.tally.rest;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Who calls over TCP: the subject CN of the client certificate that mutual TLS verified against
 * the daemon's CA, never anything the client sent in a request, mapped to a user by the policy's
 * {@code tlsUsers} (CN to user name; see {@link dev.tally.domain.access.AccessPolicy#tlsUsers}).
 * When the host has an account of that name, the caller gets its uid, gid and groups (from
 * /etc/passwd and /etc/group), so alice over TLS is treated like alice on the Unix socket; a name
 * without an account is a remote-only user (uid and gid -1, no groups). The source reads
 * {@code tcp:IP:PORT cn=CN}.
 *
 * <p>Refused ({@link Refused}, DENIED, to be recorded): a subject without exactly one usable CN; a
 * CN the policy does not map; a CN mapped to an account with uid 0 other than {@code root} itself,
 * so root is only ever the CN the policy maps to "root" by name.
 *
 * <p>Plain TCP (tallyd --insecure-tcp, loopback only) identifies nobody: its listener answers only
 * _ping and version, and a request that needs a caller is denied here as well.
 */
final class TlsCallerIdentity {

    /** A CN usable as a user name and unambiguous in the source text: no spaces, no control characters. */
    private static final Pattern USABLE_NAME = Pattern.compile("[A-Za-z0-9._@+-]{1,64}");
    /** The most of a refused certificate's subject kept in the record. */
    private static final int SUBJECT_RECORDED = 256;

    /**
     * A verified client certificate that is nobody on this daemon. {@link #claimed} is who it
     * claimed to be, for the record: uid -1, no groups, the user {@code cn=CN} or
     * {@code subject=DN}, never a user name it could be mistaken for.
     */
    static final class Refused extends DomainException {
        private final transient Actor claimed;

        Refused(Actor claimed, String message) {
            super(Kind.DENIED, "authorization denied: " + message);
            this.claimed = claimed;
        }

        Actor claimed() {
            return claimed;
        }
    }

    private TlsCallerIdentity() {
    }

    static Actor of(HttpConnection connection, Map<String, String> tlsUsers) {
        String where = "tcp:" + address(connection.remoteAddress());
        if (!connection.isSsl()) {
            throw new DomainException(DomainException.Kind.DENIED, "plain TCP identifies nobody (" + where
                    + "): connect with a TLS client certificate, or over the Unix socket");
        }
        List<Certificate> chain;
        try {
            chain = connection.peerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            chain = List.of();
        }
        if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate certificate)) {
            throw new DomainException(DomainException.Kind.DENIED, "no verified client certificate on this connection");
        }
        String cn;
        try {
            cn = commonName(certificate);
        } catch (DomainException e) {
            String subject = bounded(certificate.getSubjectX500Principal().getName());
            throw new Refused(new Actor(-1, -1, "subject=" + subject, 0, where + " subject=" + subject, List.of(), null, ""),
                    e.getMessage());
        }
        return actor(cn, where, tlsUsers, Path.of("/etc/passwd"), Path.of("/etc/group"));
    }

    /**
     * The actor for a verified certificate's CN: the user the policy maps it to, with the host
     * account's ids and groups when there is one. {@link Refused} as the class says.
     */
    static Actor actor(String cn, String where, Map<String, String> tlsUsers, Path passwd, Path group) {
        String source = where + " cn=" + cn;
        Actor claimed = new Actor(-1, -1, "cn=" + cn, 0, source, List.of(), null, "");
        String user = tlsUsers.get(cn);
        if (user == null) {
            throw new Refused(claimed, "the client certificate's CN " + cn + " is no user of this daemon: the policy's"
                    + " tlsUsers does not map it (add \"" + cn + "\": \"USER\" to tlsUsers in tallyd's policy file)");
        }
        for (String line : lines(passwd)) {
            String[] f = line.split(":", -1);
            if (f.length > 3 && f[0].equals(user)) {
                try {
                    int uid = Integer.parseInt(f[2]);
                    int gid = Integer.parseInt(f[3]);
                    if (uid == 0 && !user.equals("root")) {
                        throw new Refused(claimed, "the client certificate's CN " + cn + " maps to " + user
                                + ", an account with uid 0: only a CN mapped to root by name is root");
                    }
                    return new Actor(uid, gid, user, 0, source, groups(user, gid, group), null, "");
                } catch (NumberFormatException malformed) {
                    break;
                }
            }
        }
        if (user.equals("root")) {
            throw new Refused(claimed, "the client certificate's CN " + cn + " maps to root, which this host's"
                    + " /etc/passwd does not have");
        }
        return new Actor(-1, -1, user, 0, source, List.of(), null, "");
    }

    private static String bounded(String subject) {
        return subject.length() <= SUBJECT_RECORDED ? subject : subject.substring(0, SUBJECT_RECORDED) + "…";
    }

    /** The one CN of the certificate's subject; denied when there is none, several, or an unusable one. */
    static String commonName(X509Certificate certificate) {
        String subject = certificate.getSubjectX500Principal().getName();
        List<String> cns = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(subject).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cns.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            throw new DomainException(DomainException.Kind.DENIED, "unreadable client certificate subject: " + subject);
        }
        if (cns.size() != 1) {
            throw new DomainException(DomainException.Kind.DENIED, "the client certificate's subject must have exactly "
                    + "one CN, the user: " + subject);
        }
        String cn = cns.get(0);
        if (!USABLE_NAME.matcher(cn).matches()) {
            throw new DomainException(DomainException.Kind.DENIED, "the client certificate's CN is not a usable user name "
                    + "(letters, digits, . _ @ + -): " + subject);
        }
        return cn;
    }

    /** The primary group's name first, then every group that lists the user as a member. */
    private static List<String> groups(String user, int gid, Path group) {
        List<String> names = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (String line : lines(group)) {
            String[] f = line.split(":", -1);
            if (f.length < 4) {
                continue;
            }
            if (f[2].equals(Integer.toString(gid))) {
                names.add(0, f[0]);
            } else if (List.of(f[3].split(",")).contains(user)) {
                others.add(f[0]);
            }
        }
        if (names.isEmpty()) {
            names.add(Integer.toString(gid));
        }
        others.stream().filter(g -> !names.contains(g)).forEach(names::add);
        return names;
    }

    private static String address(SocketAddress remote) {
        if (remote == null) {
            return "unknown";
        }
        String host = remote.hostAddress() != null ? remote.hostAddress() : remote.host();
        return (host != null && host.contains(":") ? "[" + host + "]" : host) + ":" + remote.port();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
