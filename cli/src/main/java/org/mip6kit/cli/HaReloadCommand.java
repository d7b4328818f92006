package org.mip6kit.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mip6kit.daemon.AdminClient;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mip6kit ha reload}: asks a running home agent, through its admin socket
 * ({@code {"command":"reload"}}), to re-read its configuration file and reload its security
 * provider's section (a key table after a roll-over), as SIGHUP does. Prints the home agent's
 * one-line answer.
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
        versionProvider = Mip6kitCommand.Version.class,
        sortOptions = false,
        description = {
                "Make a running home agent re-read its configuration file and reload its security provider's "
                        + "section (e.g. the auth-option-4285 key table), as SIGHUP does. All or nothing: a wrong "
                        + "file changes nothing and the error is printed. Bindings survive. Only security.<provider> "
                        + "is reloaded; other sections need a restart.",
                "The home agent is reached through its admin socket (owner-only), named by --socket or by "
                        + "admin.socket in --config.",
                ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:reloaded",
                "1:not reloaded: the file is wrong, the provider cannot reload, or no home agent answered",
                "2:the configuration file given to --config cannot be read, or a usage error"
        },
        footer = {"", "Reload failures: docs/errors.md#reload-failed"})
public final class HaReloadCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    HaAdminTarget target;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long to wait for the home agent's answer (default: ${DEFAULT-VALUE}; a large key "
                    + "table takes a while to read).")
    int timeoutSeconds;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AdminAnswer reply = target.ask("mip6kit ha reload", AdminClient.request("reload"), timeoutSeconds, err);
        if (!reply.received()) {
            return reply.exitStatus();
        }
        ObjectNode answer = reply.json();
        String summary = answer.path("summary").asText("");
        if (answer.path("reloaded").asBoolean(false)) {
            out.println("reloaded: " + summary);
            out.flush();
            return Mip6kitCommand.EXIT_OK;
        }
        err.println("mip6kit ha reload: nothing reloaded: " + summary);
        err.flush();
        return Mip6kitCommand.EXIT_FAILURE;
    }
}
