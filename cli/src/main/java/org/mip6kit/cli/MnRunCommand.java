package org.mip6kit.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mip6kit.daemon.PacketCapture;
import org.mip6kit.mn.MobileNodeDaemon;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mip6kit mn run}: the mobile node in the foreground; the work is {@link MobileNodeDaemon#run}. */
@Command(name = "run", mixinStandardHelpOptions = true,
        versionProvider = Mip6kitCommand.Version.class,
        sortOptions = false,
        description = {
                "Run the reference mobile node in the foreground: bootstrap through the security provider, "
                        + "register the care-of address with the home agent, refresh before the binding expires, "
                        + "follow care-of changes (mip6kit mn move, or care-of.interface), until SIGTERM or "
                        + "SIGINT (Ctrl-C); then deregister (lifetime 0) and exit.",
                "Logs one line per signalling event on stderr; -Dmip6kit.log.level=debug (MIP6KIT_JAVA_OPTS) or "
                        + "the file's logging section changes the level.",
                ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:stopped cleanly by SIGTERM or SIGINT, after deregistering",
                "1:could not start (admin socket in use, pcap file not writable, care-of interface without an "
                        + "address) or the first registration failed (refused, no answer, bootstrap failed)",
                "2:the configuration file is wrong (<file>: <key>: <problem>) or names an unknown security "
                        + "provider, or a usage error"
        })
public final class MnRunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "The mobile node's YAML configuration (see docs/examples/mn.yaml, conf/mn.yaml in the distribution).")
    Path config;

    @Option(names = "--pcap", paramLabel = "FILE",
            description = "Write every Binding Update and Acknowledgement, sent and received, to this pcap file. "
                    + "Wireshark: -d udp.port==4191,ipv6.")
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
        return MobileNodeDaemon.run(config, Optional.ofNullable(pcap), pcapMaxBytes, spec.commandLine().getErr());
    }
}
