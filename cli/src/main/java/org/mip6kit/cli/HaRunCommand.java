package org.mip6kit.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mip6kit.daemon.PacketCapture;
import org.mip6kit.ha.HomeAgentDaemon;
import picocli.CommandLine;
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
            description = "The home agent's YAML configuration (see docs/examples/ha.yaml, conf/ha.yaml in the distribution).")
    Path config;

    @Option(names = "--pcap", paramLabel = "FILE",
            description = "Write every Binding Update and Acknowledgement, sent and received, to this pcap file "
                    + "(overwritten; owner-only). Wireshark: -d udp.port==4191,ipv6.")
    Path pcap;

    @Option(names = "--pcap-max-bytes", paramLabel = "N", defaultValue = "100000000",
            description = "Rotate the pcap file when it would grow past N octets: FILE becomes FILE.1 (replacing "
                    + "an older FILE.1) and a new FILE starts, so the capture takes at most 2N. Default: ${DEFAULT-VALUE}.")
    long pcapMaxBytes;

    @Override
    public Integer call() {
        if (pcapMaxBytes < PacketCapture.MIN_MAX_BYTES) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--pcap-max-bytes must be at least "
                    + PacketCapture.MIN_MAX_BYTES + ", got " + pcapMaxBytes);
        }
        return HomeAgentDaemon.run(config, Optional.ofNullable(pcap), pcapMaxBytes, spec.commandLine().getErr());
    }
}
