package org.mip6kit.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mip6kit ha}: run the reference home agent and talk to a running one. */
@Command(name = "ha", mixinStandardHelpOptions = true,
        versionProvider = Mip6kitCommand.Version.class,
        description = "The reference home agent: run it, or query a running one through its admin socket.",
        subcommands = {HaRunCommand.class, HaStatusCommand.class, HaBindingsCommand.class, HaReloadCommand.class,
                HaDrainCommand.class},
        footer = {"", "Configuration reference: docs/operator-guide.md; a commented example: docs/examples/ha.yaml (conf/ha.yaml in the distribution)."})
public final class HaCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** With no subcommand: the usage on stderr, exit {@value Mip6kitCommand#EXIT_BAD_INPUT}. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("Missing command: ha run, ha status, ha bindings or ha reload.");
        spec.commandLine().usage(spec.commandLine().getErr());
        return Mip6kitCommand.EXIT_BAD_INPUT;
    }
}
