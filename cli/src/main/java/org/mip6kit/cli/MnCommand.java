package org.mip6kit.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mip6kit mn}: run the reference mobile node and steer a running one. */
@Command(name = "mn", mixinStandardHelpOptions = true,
        versionProvider = Mip6kitCommand.Version.class,
        description = "The reference mobile node: run it, or move a running one, bring it home and ask its status "
                + "through its admin socket.",
        subcommands = {MnRunCommand.class, MnMoveCommand.class, MnHomeCommand.class, MnStatusCommand.class},
        footer = {"", "Configuration reference: docs/operator-guide.md#mobile-node; a commented example: "
                + "docs/examples/mn.yaml (conf/mn.yaml in the distribution)."})
public final class MnCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** With no subcommand: the usage on stderr, exit {@value Mip6kitCommand#EXIT_BAD_INPUT}. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("Missing command: mn run, mn move, mn home or mn status.");
        spec.commandLine().usage(spec.commandLine().getErr());
        return Mip6kitCommand.EXIT_BAD_INPUT;
    }
}
