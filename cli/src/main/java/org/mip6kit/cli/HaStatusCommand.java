package org.mip6kit.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mip6kit.daemon.AdminClient;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mip6kit ha status}: a running home agent's addresses, provider, binding count and
 * counters, read through its admin socket ({@code {"command":"status"}}); the same numbers its
 * Prometheus endpoint and JMX publish, when enabled.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        versionProvider = Mip6kitCommand.Version.class,
        sortOptions = false,
        description = {
                "Show a running home agent's address, home prefixes, UDP endpoint, security provider (with its "
                        + "per-node state and its own counters), bindings, and its counters since start: Binding "
                        + "Updates received, accepted, refused, rejected, dropped, malformed, and more.",
                "The home agent is reached through its admin socket (owner-only), named by --socket or by "
                        + "admin.socket in --config.",
                ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:the home agent answered",
                "1:no home agent answered on the socket",
                "2:the configuration file given to --config cannot be read, or a usage error"
        },
        footer = {"", "Metrics for Prometheus and JMX: the metrics section, docs/operator-guide.md."})
public final class HaStatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    HaAdminTarget target;

    @Option(names = "--json", description = "Print the admin socket's JSON answer instead of lines.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long to wait for the home agent's answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AdminAnswer reply = target.ask("mip6kit ha status", AdminClient.request("status"), timeoutSeconds, err);
        if (!reply.received()) {
            return reply.exitStatus();
        }
        ObjectNode answer = reply.json();
        if (json) {
            out.println(MnStatusCommand.pretty(answer));
        } else {
            describe(answer).forEach(out::println);
        }
        out.flush();
        return Mip6kitCommand.EXIT_OK;
    }

    /** The {@code status} answer as {@code name: value} lines; the counters one per line, indented. */
    static List<String> describe(JsonNode status) {
        List<String> lines = new ArrayList<>();
        lines.add("home agent:     " + status.path("homeAgent").asText("-"));
        List<String> prefixes = new ArrayList<>();
        status.path("homePrefixes").forEach(p -> prefixes.add(p.asText()));
        lines.add("home prefixes:  " + String.join(", ", prefixes));
        lines.add("udp:            " + text(status.path("udp")));
        JsonNode p = status.path("provider");
        lines.add("provider:       " + p.path("name").asText("-") + " " + p.path("version").asText("")
                + " (" + p.path("placement").asText("-") + "), per-node state: " + p.path("perNodeState").asLong());
        lines.add("bindings:       " + status.path("bindings").asLong() + " (replay holds: "
                + status.path("replayHolds").asLong() + ", in flight: " + status.path("inFlight").asLong() + ")");
        JsonNode drain = status.path("drain");
        if (drain.path("draining").asBoolean(false)) {
            List<String> to = new ArrayList<>();
            drain.path("to").forEach(a -> to.add(a.asText()));
            lines.add("draining:       to " + (to.isEmpty() ? "(no home agent named)" : String.join(", ", to))
                    + ", nodes left: " + drain.path("nodesLeft").asLong());
        }
        JsonNode cluster = status.path("cluster");
        if (cluster.path("enabled").asBoolean(false)) {
            lines.add("cluster:        member " + cluster.path("member").asText("-") + " of "
                    + cluster.path("members").asLong() + (cluster.path("members").asLong() == 1 ? " member" : " members"));
            for (JsonNode here : cluster.path("servedHere")) {
                JsonNode from = here.path("takenOverFrom");
                lines.add("  serving " + here.path("address").asText("-") + " on udp " + text(here.path("udp")) + ", "
                        + here.path("bindings").asLong() + " bindings"
                        + (from.isMissingNode() || from.isNull() ? " (own address)" : " (taken over from "
                        + from.asText() + ")"));
            }
            List<String> served = new ArrayList<>();
            fields(cluster.path("served")).forEach(e -> served.add(e.getKey() + " by " + e.getValue().asText()));
            lines.add("  served in the cluster: " + (served.isEmpty() ? "-" : String.join(", ", served)));
        }
        lines.add("started:        " + status.path("startedAt").asText("-"));
        if (!status.path("prometheus").isMissingNode() && !status.path("prometheus").isNull()) {
            lines.add("prometheus:     " + status.path("prometheus").asText());
        }
        lines.add("counters:");
        fields(status.path("counters")).forEach(e -> lines.add(String.format("  %-13s %d", e.getKey() + ":",
                e.getValue().asLong())));
        List<Map.Entry<String, JsonNode>> own = fields(p.path("counters"));
        if (!own.isEmpty()) {
            lines.add("provider counters:");
            own.forEach(e -> lines.add("  " + e.getKey() + ": " + e.getValue().asLong()));
        }
        return lines;
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? "-" : n.asText();
    }

    private static List<Map.Entry<String, JsonNode>> fields(JsonNode object) {
        List<Map.Entry<String, JsonNode>> all = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            all.add(it.next());
        }
        return all;
    }
}
