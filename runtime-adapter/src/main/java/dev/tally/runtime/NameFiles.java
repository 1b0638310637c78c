package dev.tally.runtime;

import dev.tally.domain.container.ContainerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A container's own /etc/hosts and /etc/resolv.conf, as Docker makes them: files in the bundle,
 * bound over the image's. Written only for a container that asks ({@code --add-host}, {@code --dns},
 * {@code --dns-search}, {@code --dns-option}); the values were checked to be one word each at the edge.
 */
final class NameFiles {

    private static final String LOCALHOST = """
            127.0.0.1\tlocalhost
            ::1\tlocalhost ip6-localhost ip6-loopback
            fe00::0\tip6-localnet
            ff00::0\tip6-mcastprefix
            ff02::1\tip6-allnodes
            ff02::2\tip6-allrouters
            """;

    private NameFiles() {
    }

    /** Writes the files into {@code bundle} and binds them; the host's resolv.conf gives what was not asked. */
    static void apply(ContainerConfig.Setup setup, Path bundle, Path hostResolvConf, OciSpec spec) throws IOException {
        if (!setup.namesOwnFiles()) {
            return;
        }
        Path hosts = Files.writeString(bundle.resolve("hosts"), hosts(setup.extraHosts()));
        Path resolv = Files.writeString(bundle.resolve("resolv.conf"), resolvConf(setup,
                Files.isReadable(hostResolvConf) ? Files.readAllLines(hostResolvConf) : List.of()));
        for (Path file : List.of(hosts, resolv)) {
            Files.setAttribute(file, "unix:mode", 0644);
        }
        spec.withBind(hosts.toString(), "/etc/hosts", false);
        spec.withBind(resolv.toString(), "/etc/resolv.conf", false);
    }

    /** localhost, then each {@code name:address} as a line {@code address\tname}. */
    static String hosts(List<String> extraHosts) {
        StringBuilder b = new StringBuilder(LOCALHOST);
        for (String entry : extraHosts) {
            int cut = entry.indexOf(':');
            b.append(entry.substring(cut + 1)).append('\t').append(entry, 0, cut).append('\n');
        }
        return b.toString();
    }

    /** The host's servers, search domains and options, each replaced by what was asked ({@code --dns-search .}: none). */
    static String resolvConf(ContainerConfig.Setup setup, List<String> host) {
        List<String> servers = new ArrayList<>(setup.dns());
        List<String> search = new ArrayList<>(setup.dnsSearch());
        List<String> options = new ArrayList<>(setup.dnsOptions());
        for (String line : host) {
            String[] words = line.strip().split("\\s+");
            if (words.length < 2) {
                continue;
            }
            List<String> rest = List.of(words).subList(1, words.length);
            switch (words[0]) {
                case "nameserver" -> {
                    if (setup.dns().isEmpty()) {
                        servers.add(words[1]);
                    }
                }
                case "search", "domain" -> {
                    if (setup.dnsSearch().isEmpty()) {
                        search.addAll(rest);
                    }
                }
                case "options" -> {
                    if (setup.dnsOptions().isEmpty()) {
                        options.addAll(rest);
                    }
                }
                default -> {
                }
            }
        }
        search.remove(".");
        StringBuilder b = new StringBuilder();
        servers.forEach(s -> b.append("nameserver ").append(s).append('\n'));
        if (!search.isEmpty()) {
            b.append("search ").append(String.join(" ", search)).append('\n');
        }
        if (!options.isEmpty()) {
            b.append("options ").append(String.join(" ", options)).append('\n');
        }
        return b.toString();
    }
}
