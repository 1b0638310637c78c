package dev.tally.cli.format;

import dev.tally.cli.CliException;
import dev.tally.cli.ExitCodeMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Renders {@code GET /containers/json} items as {@code tally ps} shows them:
 * docker's default table, {@code -q} ids, or a --format template ({@code json}: a JSON object a line).
 */
public final class ContainerListing {

    static final String DEFAULT_TABLE =
            "{{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";

    private static final Map<String, String> HEADERS = Map.of(
            "ID", "CONTAINER ID",
            "Image", "IMAGE",
            "Command", "COMMAND",
            "CreatedAt", "CREATED AT",
            "RunningFor", "CREATED",
            "Ports", "PORTS",
            "State", "STATE",
            "Status", "STATUS",
            "Names", "NAMES",
            "Labels", "LABELS");

    /** Docker's format for CreatedAt; built only when a template asks for that field. */
    private static final class GoTime {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xx z");
    }

    private final boolean noTrunc;
    private final Clock clock;
    private final Instant now;

    /** @param clock gives the current instant, and the local zone for CreatedAt */
    public ContainerListing(boolean noTrunc, Clock clock) {
        this.noTrunc = noTrunc;
        this.clock = clock;
        this.now = clock.instant();
    }

    /**
     * @param format a --format value, or null for the default table
     * @param quiet  ids only (wins over format)
     */
    public List<String> render(List<?> containers, String format, boolean quiet) {
        String effective = quiet ? "{{.ID}}" : format == null ? "table " + DEFAULT_TABLE
                : format.equals("json") ? "{{json .}}" : format;
        List<Map<?, ?>> items = new ArrayList<>();
        for (Object container : containers) {
            if (container instanceof Map<?, ?> map) {
                items.add(map);
            }
        }
        Function<String, String> headers = field -> HEADERS.getOrDefault(field, field.toUpperCase(Locale.ROOT));
        if (FormatTemplate.understands(effective)) {
            return FormatTemplate.parse(effective, DEFAULT_TABLE).renderAll(items, headers, this::fields);
        }
        return goTemplate(effective, items, headers);
    }

    /**
     * A template with more than field references ({@code {{json .}}}, functions, {@code if},
     * {@code range}): Go's templates over each container's fields, as docker runs them over its
     * container context (a missing field is an error, exit 1).
     */
    private List<String> goTemplate(String format, List<Map<?, ?>> items, Function<String, String> headers) {
        String text = format.trim();
        boolean table = text.startsWith("table");
        if (table) {
            text = text.substring("table".length()).trim();
            text = text.isEmpty() ? DEFAULT_TABLE : text;
        }
        text = text.replace("\\t", "\t").replace("\\n", "\n");
        try {
            GoTemplate template = GoTemplate.parse(text);
            List<String> lines = new ArrayList<>();
            if (table) {
                Map<String, Object> header = new TreeMap<>();
                FIELDS.forEach(f -> header.put(f, headers.apply(f)));
                lines.add(template.execute(header));
            }
            for (Map<?, ?> item : items) {
                Function<String, String> fields = fields(item);
                Map<String, Object> values = new TreeMap<>();
                FIELDS.forEach(f -> values.put(f, fields.apply(f)));
                lines.add(template.execute(values));
            }
            return table ? TextTable.align(lines) : lines;
        } catch (TemplateException e) {
            throw new CliException(e.getMessage(), e.parsing() ? ExitCodeMapper.BAD_TEMPLATE : ExitCodeMapper.GENERAL_FAILURE);
        }
    }

    /** The fields a template may name (docker's container context has these and a few more). */
    private static final List<String> FIELDS = List.of("Command", "CreatedAt", "ID", "Image", "Labels", "Names",
            "Ports", "RunningFor", "State", "Status");

    private Function<String, String> fields(Map<?, ?> c) {
        return field -> switch (field) {
            case "ID" -> noTrunc ? text(c.get("Id")) : ShortId.of(text(c.get("Id")));
            case "Image" -> text(c.get("Image"));
            case "Command" -> GoQuote.quote(
                    noTrunc ? text(c.get("Command")) : GoQuote.ellipsis(text(c.get("Command")), 20));
            case "CreatedAt" -> GoTime.FORMAT.format(
                    Instant.ofEpochSecond(number(c.get("Created"))).atZone(clock.getZone()));
            case "RunningFor" -> HumanDuration.ago(number(c.get("Created")), now);
            case "Ports" -> ports(c.get("Ports"));
            case "State" -> text(c.get("State"));
            case "Status" -> text(c.get("Status"));
            case "Names" -> names(c.get("Names"));
            case "Labels" -> labels(c.get("Labels"));
            default -> null;
        };
    }

    private static String names(Object value) {
        List<String> names = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object name : list) {
                String text = text(name);
                String bare = text.startsWith("/") ? text.substring(1) : text;
                if (!bare.contains("/")) {
                    names.add(bare);
                }
            }
        }
        return String.join(",", names);
    }

    private static String ports(Object value) {
        List<String> ports = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> port) {
                    String privatePart = text(port.get("PrivatePort")) + "/" + text(port.get("Type"));
                    if (port.get("PublicPort") != null) {
                        String ip = port.get("IP") == null ? "" : text(port.get("IP")) + ":";
                        ports.add(ip + text(port.get("PublicPort")) + "->" + privatePart);
                    } else {
                        ports.add(privatePart);
                    }
                }
            }
        }
        return String.join(", ", ports);
    }

    private static String labels(Object value) {
        Map<String, String> sorted = new TreeMap<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> sorted.put(text(k), text(v)));
        }
        List<String> labels = new ArrayList<>();
        sorted.forEach((k, v) -> labels.add(k + "=" + v));
        return String.join(",", labels);
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0L;
    }
}
