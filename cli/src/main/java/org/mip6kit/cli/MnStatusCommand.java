package org.mip6kit.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.mn.MobileNodeDaemon;
import org.mip6kit.mn.MobileNodeStatus;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mip6kit mn status}: a running mobile node's registration, read through its admin socket. */
@Command(name = "status", mixinStandardHelpOptions = true,
        versionProvider = Mip6kitCommand.Version.class,
        sortOptions = false,
        description = {
                "Show a running mobile node's registration: identity, home address, care-of address (and "
                        + "whether it takes the IPv6 or the RFC 5555 IPv4 path), home agent, sequence number, "
                        + "lifetime granted and left, security provider.",
                "The node is reached through its admin socket: --socket, or admin.socket in --config, or "
                        + "./mn.sock.",
                ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:the node answered (registered or not: see 'registered')",
                "1:no mobile node answered on the socket",
                "2:the configuration file is wrong, or a usage error"
        },
        footerHeading = "%nJSON output (--json):%n",
        footer = {
                "{registered, identity, homeAddress, careOfAddress, careOfPath (ipv6 | ipv4-udp), homeAgent, "
                        + "sequence, lifetimeSeconds, expiresInSeconds, provider, interface, udp}",
                "An IPv4 care-of address is printed as IPv4 (192.0.2.10); fields without a value are left out."
        })
public final class MnStatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    MnAdminTarget target = new MnAdminTarget();

    @Option(names = "--json", description = "Print JSON instead of lines.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long to wait for the node's answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AdminAnswer reply = MnAdminTarget.ask(target, "mip6kit mn status",
                AdminClient.request(MobileNodeDaemon.STATUS), timeoutSeconds, err);
        if (!reply.received()) {
            return reply.exitStatus();
        }
        ObjectNode answer = reply.json();
        if (json) {
            out.println(pretty(answer));
        } else {
            MobileNodeStatus.fromJson(answer).describe().forEach(out::println);
        }
        out.flush();
        return Mip6kitCommand.EXIT_OK;
    }

    static String pretty(ObjectNode answer) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
