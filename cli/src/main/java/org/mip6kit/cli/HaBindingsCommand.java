package org.mip6kit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.daemon.AdminException;
import org.mip6kit.engine.LogText;
import org.mip6kit.ha.BindingListing;
import org.mip6kit.wire.Ipv6Address;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mip6kit ha bindings}: the binding cache of a running home agent, read through its
 * admin socket ({@code {"command":"bindings"}}), as a table or as JSON.
 */
@Command(name = "bindings", mixinStandardHelpOptions = true,
        versionProvider = Mip6kitCommand.Version.class,
        sortOptions = false,
        description = {
                "List the binding cache of a running home agent: home address, care-of address, identity, "
                        + "lifetime left, sequence number and security provider of every live binding.",
                "The home agent is reached through its admin socket (owner-only: run this as the user the home "
                        + "agent runs as), named by --socket or by admin.socket in --config.",
                "The cache is read in pages of " + HaBindingsCommand.PAGE + " bindings in home address order; "
                        + "--limit stops after that many and prints where to go on (--after).",
                ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:listed (possibly no bindings)",
                "1:no home agent answered on the socket, or it refused the request",
                "2:the configuration file is wrong, or a usage error"
        },
        footerHeading = "%nJSON output (--json):%n",
        footer = {
                "{\"bindings\": [{homeAddress, careOfAddress, identity, lifetimeLeftSeconds, lifetimeSeconds, "
                        + "sequence, provider, expiresAt, outerPeer, mobileRouter, keyManagementMobility, "
                        + "mobileNetworkPrefixes, traffic: {packetsToNode, bytesToNode, packetsFromNode, bytesFromNode} "
                        + "or null}], "
                        + "\"count\": N, \"next\": home address to pass to --after, or null}",
                "An IPv4 care-of address (RFC 5555) appears IPv4-mapped (::ffff:192.0.2.7); identity is "
                        + "kind:value (nai:mn1@example.org)."
        })
public final class HaBindingsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    HaAdminTarget target;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--home-address", paramLabel = "ADDRESS",
            description = "Only the binding of this home address.")
    String homeAddress;

    @Option(names = "--identity", paramLabel = "IDENTITY",
            description = "Only the bindings of this identity: kind:value (nai:mn1@example.org) or the value alone.")
    String identity;

    @Option(names = "--limit", paramLabel = "N",
            description = "List at most N bindings (default: all).")
    Long limit;

    @Option(names = "--after", paramLabel = "ADDRESS",
            description = "Start after this home address (the \"next\" of an earlier listing).")
    String after;

    /** The most bindings asked of the home agent in one request. */
    static final int PAGE = 1000;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long to wait for the home agent's answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<Path> resolved = target.resolve(err);
        if (resolved.isEmpty()) {
            return Mip6kitCommand.EXIT_BAD_INPUT;
        }
        Path socket = resolved.get();
        String wrong = limit != null && limit < 1 ? "--limit must be at least 1, got " + limit
                : notAnAddress("--home-address", homeAddress) != null ? notAnAddress("--home-address", homeAddress)
                : notAnAddress("--after", after);
        if (wrong != null) {
            err.println("mip6kit ha bindings: " + wrong);
            err.flush();
            return Mip6kitCommand.EXIT_BAD_INPUT;
        }
        ObjectNode answer;
        try {
            answer = list(socket, Duration.ofSeconds(Math.max(1, timeoutSeconds)));
        } catch (AdminException e) {
            err.println("mip6kit ha bindings: " + e.getMessage());
            err.flush();
            return Mip6kitCommand.EXIT_FAILURE;
        }
        if (json) {
            try {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(answer));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a JSON tree always serialises", e);
            }
        } else {
            out.print(table(answer.path("bindings")));
            if (answer.path("next").isTextual()) {
                out.println("more bindings follow: --after " + answer.get("next").asText());
            }
        }
        out.flush();
        return Mip6kitCommand.EXIT_OK;
    }

    /**
     * Asks for the bindings a page at a time, following each answer's {@code next}, until the
     * cache or {@code --limit} is exhausted; the answer has every binding listed, their count, and
     * {@code next} if the limit cut the listing short.
     */
    private ObjectNode list(Path socket, Duration timeout) throws AdminException {
        ObjectNode listing = new ObjectMapper().createObjectNode();
        ArrayNode bindings = listing.putArray("bindings");
        long wanted = limit == null ? Long.MAX_VALUE : limit;
        String cursor = after;
        String next = null;
        while (bindings.size() < wanted) {
            ObjectNode request = AdminClient.request("bindings")
                    .put("limit", (int) Math.min(PAGE, wanted - bindings.size()));
            if (cursor != null) {
                request.put("after", cursor);
            }
            if (homeAddress != null) {
                request.put("homeAddress", homeAddress);
            }
            if (identity != null) {
                request.put("identity", identity);
            }
            ObjectNode page = AdminClient.send(socket, request, timeout);
            page.path("bindings").forEach(bindings::add);
            next = page.path("next").isTextual() ? page.get("next").asText() : null;
            if (next == null) {
                break;
            }
            cursor = next;
        }
        listing.put("count", bindings.size());
        listing.put("next", next);
        return listing;
    }

    private static String notAnAddress(String option, String value) {
        if (value == null) {
            return null;
        }
        try {
            Ipv6Address.parse(value);
            return null;
        } catch (IllegalArgumentException e) {
            return option + " must be an IPv6 home address such as 2001:db8:1::100, got '" + value + "'";
        }
    }

    private static final String[] HEADINGS = {"HOME ADDRESS", "CARE-OF ADDRESS", "IDENTITY", "LIFETIME LEFT",
            "SEQUENCE", "PROVIDER", "PREFIXES"};

    /** The bindings as aligned columns, then a count line. */
    static String table(JsonNode bindings) {
        if (bindings.isEmpty()) {
            return "no bindings" + System.lineSeparator();
        }
        boolean traffic = false;
        for (JsonNode b : bindings) {
            traffic |= b.path(BindingListing.TRAFFIC).isObject();
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(traffic ? withTraffic(HEADINGS, "TO NODE", "FROM NODE") : HEADINGS);
        for (JsonNode b : bindings) {
            String[] row = new String[] {
                    b.path(BindingListing.HOME_ADDRESS).asText(),
                    b.path(BindingListing.CARE_OF_ADDRESS).asText(),
                    // A peer chose its identity: no terminal escape or line break reaches the operator's screen.
                    LogText.escape(b.path(BindingListing.IDENTITY).asText()),
                    duration(b.path(BindingListing.LIFETIME_LEFT_SECONDS).asLong()),
                    b.path(BindingListing.SEQUENCE).asText(),
                    b.path(BindingListing.PROVIDER).asText(),
                    prefixes(b)};
            JsonNode t = b.path(BindingListing.TRAFFIC);
            rows.add(!traffic ? row : withTraffic(row,
                    t.isObject() ? t.path("packetsToNode").asLong() + " pkts/" + t.path("bytesToNode").asLong() + " B" : "-",
                    t.isObject() ? t.path("packetsFromNode").asLong() + " pkts/" + t.path("bytesFromNode").asLong() + " B"
                            : "-"));
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            text.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        int n = rows.size() - 1;
        text.append(n).append(n == 1 ? " binding" : " bindings").append(System.lineSeparator());
        return text.toString();
    }

    /**
     * A mobile router's registered prefixes (RFC 3963), comma-separated; {@code -} for a mobile
     * host's binding.
     */
    static String prefixes(JsonNode binding) {
        List<String> p = new ArrayList<>();
        binding.path(BindingListing.MOBILE_NETWORK_PREFIXES).forEach(x -> p.add(LogText.escape(x.asText())));
        return p.isEmpty() ? "-" : String.join(",", p);
    }

    private static String[] withTraffic(String[] row, String toNode, String fromNode) {
        String[] r = java.util.Arrays.copyOf(row, row.length + 2);
        r[row.length] = toNode;
        r[row.length + 1] = fromNode;
        return r;
    }

    /** {@code 1h02m05s}, {@code 9m58s}, {@code 42s}. */
    static String duration(long seconds) {
        long h = seconds / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        if (h > 0) {
            return String.format("%dh%02dm%02ds", h, m, s);
        }
        if (m > 0) {
            return String.format("%dm%02ds", m, s);
        }
        return s + "s";
    }
}
