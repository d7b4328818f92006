package org.mip6kit.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.wire.Ipv6Address;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mip6kit ha drain [--to ADDR...]}: asks a running home agent, through its admin socket
 * ({@code {"command":"drain","to":[...]}}), to start a planned drain (RFC 5142): every bound node
 * is sent a Home Agent Switch naming the given home agents, and new registrations are refused
 * with 130. Running it again resends to the nodes still bound. Prints how many messages left and
 * how many bindings remain; {@code ha status} follows the drain.
 */
@Command(name = "drain", mixinStandardHelpOptions = true,
        versionProvider = Mip6kitCommand.Version.class,
        sortOptions = false,
        description = {
                "Move the nodes of a running home agent to other home agents before maintenance (RFC 5142 Home "
                        + "Agent Switch): each bound node is told to register with the first home agent of --to, "
                        + "and the home agent refuses new registrations (status 130) from then on. Bound nodes "
                        + "may refresh until they have moved. Run it again to resend to the nodes still bound; "
                        + "'mip6kit ha status' shows the nodes left.",
                "Needs a security provider that protects the Home Agent Switch (auth-option-4285); otherwise "
                        + "nothing changes and the reason is printed.",
                ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:draining; the messages were handed to the provider",
                "1:not draining: the provider cannot protect the message, or no home agent answered",
                "2:an address given to --to is not an IPv6 address, the configuration file given to --config "
                        + "cannot be read, or a usage error"
        },
        footer = {"", "Drain: docs/operator-guide.md#drain"})
public final class HaDrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    HaAdminTarget target;

    @Option(names = "--to", paramLabel = "ADDR", arity = "1..*",
            description = "The home agents the nodes should move to, most preferred first (IPv6 addresses). "
                    + "Without it the message names none, and a mip6kit mobile node, which does no home agent "
                    + "discovery, stays.")
    List<String> to = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long to wait for the home agent's answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ObjectNode request = AdminClient.request("drain");
        ArrayNode targets = request.putArray("to");
        for (String a : to) {
            try {
                targets.add(Ipv6Address.parse(a.trim()).toString());
            } catch (IllegalArgumentException e) {
                err.println("mip6kit ha drain: --to " + a + ": not an IPv6 address");
                err.flush();
                return Mip6kitCommand.EXIT_BAD_INPUT;
            }
        }
        AdminAnswer reply = target.ask("mip6kit ha drain", request, timeoutSeconds, err);
        if (!reply.received()) {
            return reply.exitStatus();
        }
        ObjectNode answer = reply.json();
        List<String> where = new ArrayList<>();
        answer.path("to").forEach(n -> where.add(n.asText()));
        out.println("draining: " + answer.path("sent").asLong() + " Home Agent Switch message(s) sent, naming "
                + (where.isEmpty() ? "no home agent" : String.join(", ", where)) + "; " + answer.path("bindings")
                .asLong() + " binding(s) left");
        out.flush();
        return Mip6kitCommand.EXIT_OK;
    }
}
