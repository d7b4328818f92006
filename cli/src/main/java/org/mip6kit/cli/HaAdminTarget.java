package org.mip6kit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.daemon.AdminException;
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

    /**
     * Sends {@code request} to the home agent and waits at most {@code timeoutSeconds} (at least 1)
     * for its answer, with {@code ok} removed. A wrong configuration file is
     * {@link Mip6kitCommand#EXIT_BAD_INPUT}; no answer or a refusal is
     * {@link Mip6kitCommand#EXIT_FAILURE}, printed to {@code err} as {@code <command>: <why>}.
     */
    AdminAnswer ask(String command, ObjectNode request, int timeoutSeconds, PrintWriter err) {
        Optional<Path> resolved = resolve(err);
        if (resolved.isEmpty()) {
            return new AdminAnswer(null, Mip6kitCommand.EXIT_BAD_INPUT);
        }
        try {
            ObjectNode answer = AdminClient.send(resolved.get(), request, Duration.ofSeconds(Math.max(1,
                    timeoutSeconds)));
            answer.remove("ok");
            return new AdminAnswer(answer, 0);
        } catch (AdminException e) {
            err.println(command + ": " + e.getMessage());
            err.flush();
            return new AdminAnswer(null, Mip6kitCommand.EXIT_FAILURE);
        }
    }

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
