package org.mip6kit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

import org.mip6kit.ha.HomeAgentConfig;
import org.mip6kit.spi.ProviderConfigException;
import picocli.CommandLine.Option;

/**
 * Which running home agent an {@code ha} admin command talks to: exactly one of
 * {@code --config FILE} (its {@code admin.socket}) or {@code --socket PATH}; used as an exclusive,
 * required picocli argument group.
 */
final class HaAdminTarget {

    @Option(names = "--config", paramLabel = "FILE", required = true,
            description = "The home agent's configuration file; its admin.socket is used.")
    Path config;

    @Option(names = "--socket", paramLabel = "PATH", required = true,
            description = "The home agent's admin socket.")
    Path socket;

    /** The socket; empty (after printing why) if the configuration file is wrong. */
    Optional<Path> resolve(PrintWriter err) {
        if (socket != null) {
            return Optional.of(socket);
        }
        try {
            return Optional.of(HomeAgentConfig.load(config).daemon().adminSocket());
        } catch (ProviderConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return Optional.empty();
        }
    }
}
