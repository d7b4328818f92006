package org.mip6kit.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mip6kit.ha.HomeAgentDaemon;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mip6kit ha run}: the home agent in the foreground; the work is {@link HomeAgentDaemon#run}. */
@Command(name = "run", mixinStandardHelpOptions = true,
        versionProvider = Mip6kitCommand.Version.class,
        sortOptions = false,
        description = {
                "Run the reference home agent in the foreground until SIGTERM or SIGINT (Ctrl-C), then stop "
                        + "cleanly: no new Binding Updates, those in flight are answered, the admin socket is "
                        + "removed.",
                "Logs one line per signalling event on stderr; -Dmip6kit.log.level=debug (MIP6KIT_JAVA_OPTS) or "
                        + "the file's logging section changes the level.",
                ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:stopped cleanly by SIGTERM or SIGINT",
                "1:could not start (UDP port or admin socket in use, pcap file not writable)",
                "2:the configuration file is wrong (<file>: <key>: <problem>) or names an unknown security "
                        + "provider, or a usage error"
        })
public final class HaRunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "The home agent's YAML configuration (see docs/examples/ha.yaml).")
    Path config;

    @Option(names = "--pcap", paramLabel = "FILE",
            description = "Write every Binding Update and Acknowledgement, sent and received, to this pcap file "
                    + "(overwritten; owner-only). Wireshark: -d udp.port==4191,ipv6.")
    Path pcap;

    @Override
    public Integer call() {
        return HomeAgentDaemon.run(config, Optional.ofNullable(pcap), spec.commandLine().getErr());
    }
}
