package org.mip6kit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import org.mip6kit.mn.MobileNodeConfig;
import org.mip6kit.spi.ProviderConfigException;
import picocli.CommandLine.Option;

/**
 * Which running mobile node an {@code mn} admin command talks to: {@code --socket PATH}, or the
 * {@code admin.socket} of {@code --config FILE}, or else {@code mn.sock} in the working
 * directory (where {@code admin.socket: mn.sock} in a file there puts it).
 */
final class MnAdminTarget {

    /** The socket used when neither option is given. */
    static final Path DEFAULT_SOCKET = Path.of("mn.sock");

    @Option(names = "--config", paramLabel = "FILE",
            description = "The mobile node's configuration file; its admin.socket is used.")
    Path config;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "The mobile node's admin socket (default: ./mn.sock).")
    Path socket;

    /** The socket; empty (after printing the error) if the configuration file is wrong. */
    Optional<Path> resolve(PrintWriter err) {
        if (socket != null) {
            return Optional.of(socket);
        }
        if (config == null) {
            return Optional.of(DEFAULT_SOCKET);
        }
        try {
            return Optional.of(MobileNodeConfig.adminSocket(config));
        } catch (ProviderConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return Optional.empty();
        }
    }
}
