package org.mip6kit.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.mn.MobileNodeDaemon;
import org.mip6kit.mn.MobileNodeStatus;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mip6kit mn home}: tells a running mobile node that it is back on its home link
 * ({@code {"command":"home"}} on its admin socket). The node deregisters (RFC 6275 §11.5.4:
 * lifetime 0, from the home address) and keeps running; {@code mn move} later registers again.
 */
@Command(name = "home", mixinStandardHelpOptions = true,
        versionProvider = Mip6kitCommand.Version.class,
        sortOptions = false,
        description = {
                "Tell a running mobile node it is back on its home link: it deregisters with its home agent "
                        + "(a Binding Update with lifetime 0 from the home address), waits (up to 8 s) for the "
                        + "acknowledgement and keeps running. `mip6kit mn move --coa ADDR` registers again.",
                "The node is reached through its admin socket (owner-only: run this as the user the node runs "
                        + "as): --socket, or admin.socket in --config, or ./mn.sock.",
                ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:the home agent acknowledged the deregistration (or it is still being retransmitted: the "
                        + "output says so)",
                "1:no mobile node answered, or the deregistration failed",
                "2:the configuration file is wrong, or a usage error"
        })
public final class MnHomeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

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
        AdminAnswer reply = MnAdminTarget.ask(target, "mip6kit mn home",
                AdminClient.request(MobileNodeDaemon.HOME), timeoutSeconds, err);
        if (!reply.received()) {
            return reply.exitStatus();
        }
        ObjectNode answer = reply.json();
        if (json) {
            out.println(MnStatusCommand.pretty(answer));
        } else {
            MobileNodeStatus status = MobileNodeStatus.fromJson(answer);
            if (answer.path("acknowledged").asBoolean(false)) {
                out.println("home: the home agent acknowledged the deregistration; the node keeps running");
            } else {
                out.println("home: deregistration sent: " + answer.path("detail").asText("not acknowledged yet"));
            }
            status.describe().forEach(out::println);
        }
        out.flush();
        return Mip6kitCommand.EXIT_OK;
    }
}
