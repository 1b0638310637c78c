package dev.tally.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A seccomp profile in Docker's format (the one of moby's {@code profiles/seccomp/default.json} and
 * of Debian's {@code /usr/share/containers/seccomp.json}), and its OCI form for one container: the
 * rules whose conditions hold for that container's capabilities, the host's architecture and kernel.
 *
 * <p>As Docker: a rule is left out when {@code excludes.caps} names a capability the container has,
 * when {@code includes.caps} names one it lacks, when {@code excludes.arches} names the host's
 * architecture or {@code includes.arches} does not, or when the kernel is older than
 * {@code includes.minKernel}. The architectures are the host's entry of {@code archMap} with its
 * sub-architectures (a profile may list {@code architectures} directly instead).
 */
final class SeccompProfile {

    private static final Set<String> ACTIONS = Set.of("SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
            "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY");
    private static final Set<String> OPERATORS = Set.of("SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
            "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ");

    /** The host as a profile names it: libseccomp's architecture and Go's name for it. */
    record Arch(String seccomp, String go) {
        /** This JVM's architecture ({@code os.arch}). */
        static Arch host() {
            String arch = System.getProperty("os.arch");
            return switch (arch) {
                case "amd64", "x86_64" -> new Arch("SCMP_ARCH_X86_64", "amd64");
                case "aarch64", "arm64" -> new Arch("SCMP_ARCH_AARCH64", "arm64");
                case "ppc64le" -> new Arch("SCMP_ARCH_PPC64LE", "ppc64le");
                case "s390x" -> new Arch("SCMP_ARCH_S390X", "s390x");
                case "riscv64" -> new Arch("SCMP_ARCH_RISCV64", "riscv64");
                default -> new Arch("SCMP_ARCH_" + arch.toUpperCase(), arch);
            };
        }
    }

    /** A kernel version as {@code uname -r} starts: major and minor. */
    record Kernel(int major, int minor) {
        static Kernel parse(String release) {
            String[] parts = release.strip().split("[.-]");
            try {
                return new Kernel(Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a kernel version: \"" + release + "\"");
            }
        }

        boolean atLeast(Kernel other) {
            return major > other.major || major == other.major && minor >= other.minor;
        }
    }

    private record Condition(List<String> caps, List<String> arches, Kernel minKernel) {
    }

    private record Rule(List<String> names, String action, Integer errnoRet, List<Map<String, Object>> args,
                        Condition includes, Condition excludes) {
    }

    private final String defaultAction;
    private final Integer defaultErrnoRet;
    private final List<String> architectures;
    private final Map<String, List<String>> archMap;
    private final List<Rule> rules;

    private SeccompProfile(String defaultAction, Integer defaultErrnoRet, List<String> architectures,
                           Map<String, List<String>> archMap, List<Rule> rules) {
        this.defaultAction = defaultAction;
        this.defaultErrnoRet = defaultErrnoRet;
        this.architectures = architectures;
        this.archMap = archMap;
        this.rules = rules;
    }

    /** Reads a profile; IllegalArgumentException naming the first thing that is not one. */
    static SeccompProfile parse(JsonNode profile) {
        if (!profile.isObject()) {
            throw new IllegalArgumentException("a profile is a JSON object");
        }
        String defaultAction = action(profile.path("defaultAction"), "defaultAction");
        Integer defaultErrnoRet = errno(profile.path("defaultErrnoRet"), "defaultErrnoRet");
        List<String> architectures = strings(profile.path("architectures"), "architectures");
        Map<String, List<String>> archMap = new LinkedHashMap<>();
        for (JsonNode entry : array(profile.path("archMap"), "archMap")) {
            String arch = text(entry.path("architecture"), "archMap[].architecture");
            List<String> all = new ArrayList<>(List.of(arch));
            all.addAll(strings(entry.path("subArchitectures"), "archMap[].subArchitectures"));
            archMap.put(arch, List.copyOf(all));
        }
        List<Rule> rules = new ArrayList<>();
        int i = 0;
        for (JsonNode call : array(profile.path("syscalls"), "syscalls")) {
            rules.add(rule(call, "syscalls[" + i++ + "]"));
        }
        return new SeccompProfile(defaultAction, defaultErrnoRet, architectures, Map.copyOf(archMap), List.copyOf(rules));
    }

    /** The OCI {@code linux.seccomp} of a container with these (bounding) capabilities on this host. */
    Map<String, Object> forContainer(Collection<String> caps, Arch arch, Kernel kernel) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("defaultAction", defaultAction);
        if (defaultErrnoRet != null) {
            out.put("defaultErrnoRet", defaultErrnoRet);
        }
        List<String> arches = new ArrayList<>(architectures);
        arches.addAll(archMap.getOrDefault(arch.seccomp(), List.of()));
        out.put("architectures", arches.stream().distinct().toList());
        List<Map<String, Object>> syscalls = new ArrayList<>();
        for (Rule rule : rules) {
            if (applies(rule, caps, arch, kernel)) {
                Map<String, Object> call = new LinkedHashMap<>();
                call.put("names", rule.names());
                call.put("action", rule.action());
                if (rule.errnoRet() != null) {
                    call.put("errnoRet", rule.errnoRet());
                }
                if (!rule.args().isEmpty()) {
                    call.put("args", rule.args());
                }
                syscalls.add(call);
            }
        }
        out.put("syscalls", syscalls);
        return out;
    }

    private static boolean applies(Rule rule, Collection<String> caps, Arch arch, Kernel kernel) {
        Condition in = rule.includes();
        Condition ex = rule.excludes();
        if (ex.caps().stream().anyMatch(caps::contains) || ex.arches().contains(arch.go())) {
            return false;
        }
        if (!caps.containsAll(in.caps()) || !in.arches().isEmpty() && !in.arches().contains(arch.go())) {
            return false;
        }
        return in.minKernel() == null || kernel.atLeast(in.minKernel());
    }

    private static Rule rule(JsonNode call, String where) {
        List<String> names = new ArrayList<>(strings(call.path("names"), where + ".names"));
        if (call.hasNonNull("name")) {
            if (!names.isEmpty()) {
                throw new IllegalArgumentException(where + " has both name and names");
            }
            names.add(text(call.path("name"), where + ".name"));
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException(where + " names no system call");
        }
        List<Map<String, Object>> args = new ArrayList<>();
        for (JsonNode arg : array(call.path("args"), where + ".args")) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("index", number(arg.path("index"), where + ".args[].index"));
            a.put("value", number(arg.path("value"), where + ".args[].value"));
            a.put("valueTwo", arg.path("valueTwo").isMissingNode() || arg.path("valueTwo").isNull() ? 0L
                    : number(arg.path("valueTwo"), where + ".args[].valueTwo"));
            String op = text(arg.path("op"), where + ".args[].op");
            if (!OPERATORS.contains(op)) {
                throw new IllegalArgumentException(where + ".args[].op: unknown operator " + op);
            }
            a.put("op", op);
            args.add(a);
        }
        return new Rule(List.copyOf(names), action(call.path("action"), where + ".action"),
                errno(call.path("errnoRet"), where + ".errnoRet"), List.copyOf(args),
                condition(call.path("includes"), where + ".includes"), condition(call.path("excludes"), where + ".excludes"));
    }

    private static Condition condition(JsonNode c, String where) {
        if (c.isMissingNode() || c.isNull()) {
            return new Condition(List.of(), List.of(), null);
        }
        if (!c.isObject()) {
            throw new IllegalArgumentException(where + " is not an object");
        }
        Kernel minKernel = null;
        if (c.hasNonNull("minKernel")) {
            try {
                minKernel = Kernel.parse(text(c.path("minKernel"), where + ".minKernel"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ".minKernel: " + e.getMessage());
            }
        }
        return new Condition(strings(c.path("caps"), where + ".caps"), strings(c.path("arches"), where + ".arches"),
                minKernel);
    }

    private static String action(JsonNode node, String where) {
        String action = text(node, where);
        if (!ACTIONS.contains(action)) {
            throw new IllegalArgumentException(where + ": unknown action " + action);
        }
        return action;
    }

    private static Integer errno(JsonNode node, String where) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.intValue() < 0) {
            throw new IllegalArgumentException(where + " is not an errno number");
        }
        return node.intValue();
    }

    /** A 64-bit unsigned number, as the kernel compares arguments. */
    private static Number number(JsonNode node, String where) {
        if (!node.isIntegralNumber() || node.bigIntegerValue().signum() < 0 || node.bigIntegerValue().bitLength() > 64) {
            throw new IllegalArgumentException(where + " is not a 64-bit unsigned number");
        }
        return node.canConvertToLong() ? (Number) node.longValue() : node.bigIntegerValue();
    }

    private static String text(JsonNode node, String where) {
        if (!node.isTextual() || node.asText().isEmpty()) {
            throw new IllegalArgumentException(where + " is missing or not a string");
        }
        return node.asText();
    }

    private static List<JsonNode> array(JsonNode node, String where) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException(where + " is not an array");
        }
        List<JsonNode> items = new ArrayList<>();
        node.forEach(items::add);
        return items;
    }

    private static List<String> strings(JsonNode node, String where) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : array(node, where)) {
            out.add(text(s, where + "[]"));
        }
        return List.copyOf(out);
    }
}
