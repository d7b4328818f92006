package org.mip6kit.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.mn.CareOfAddresses;
import org.mip6kit.mn.MobileNodeDaemon;
import org.mip6kit.mn.MobileNodeStatus;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mip6kit mn move --coa ADDR}: tells a running mobile node that its care-of address
 * changed ({@code {"command":"move","careOf":ADDR}} on its admin socket) and prints the
 * registration the home agent acknowledged.
 */
@Command(name = "move", mixinStandardHelpOptions = true,
        versionProvider = Mip6kitCommand.Version.class,
        sortOptions = false,
        description = {
                "Move a running mobile node to a new care-of address: the node tells its security provider, "
                        + "sends a Binding Update with the new address and waits (up to 8 s) for the home agent's "
                        + "acknowledgement.",
                "An IPv4 care-of address takes the RFC 5555 path: the Binding Update carries it in the IPv4 "
                        + "Care-of Address option, inside UDP.",
                "The node is reached through its admin socket (owner-only: run this as the user the node runs "
                        + "as): --socket, or admin.socket in --config, or ./mn.sock.",
                ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:the home agent acknowledged the new care-of address (or the Binding Update is still being "
                        + "retransmitted: the output says so)",
                "1:no mobile node answered, or the move failed (refused by the home agent, the address is the "
                        + "home address)",
                "2:the address or the configuration file is wrong, or a usage error"
        })
public final class MnMoveCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--coa", required = true, paramLabel = "ADDR",
            description = "The new care-of address: IPv6 (2001:db8:2::100) or IPv4 (192.0.2.10).")
    String careOf;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    MnAdminTarget target = new MnAdminTarget();

    @Option(names = "--json", description = "Print the node's answer as JSON.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "15",
            description = "How long to wait for the node's answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            CareOfAddresses.parse(careOf);
        } catch (IllegalArgumentException e) {
            err.println("mip6kit mn move: --coa: " + e.getMessage());
            err.flush();
            return Mip6kitCommand.EXIT_BAD_INPUT;
        }
        AdminAnswer reply = MnAdminTarget.ask(target, "mip6kit mn move",
                AdminClient.request(MobileNodeDaemon.MOVE).put("careOf", careOf.strip()), timeoutSeconds, err);
        if (!reply.received()) {
            return reply.exitStatus();
        }
        ObjectNode answer = reply.json();
        if (json) {
            out.println(MnStatusCommand.pretty(answer));
        } else {
            MobileNodeStatus status = MobileNodeStatus.fromJson(answer);
            if (answer.path("acknowledged").asBoolean(false)) {
                out.println("moved to " + CareOfAddresses.display(status.careOfAddress()) + ": the home agent "
                        + "acknowledged it");
            } else {
                out.println("move to " + careOf.strip() + " sent: " + answer.path("detail").asText(
                        "not acknowledged yet"));
            }
            status.describe().forEach(out::println);
        }
        out.flush();
        return Mip6kitCommand.EXIT_OK;
    }
}
