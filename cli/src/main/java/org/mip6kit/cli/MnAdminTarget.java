package org.mip6kit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.daemon.AdminException;
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

    /**
     * Sends {@code request} to the node {@code target} names (the default socket when null) and
     * waits at most {@code timeoutSeconds} (at least 1) for its answer, with {@code ok} removed.
     * A wrong configuration file is {@link Mip6kitCommand#EXIT_BAD_INPUT}; no answer or a refusal
     * is {@link Mip6kitCommand#EXIT_FAILURE}, printed to {@code err} as {@code <command>: <why>}.
     */
    static AdminAnswer ask(MnAdminTarget target, String command, ObjectNode request, int timeoutSeconds,
                      PrintWriter err) {
        Optional<Path> socket = (target == null ? new MnAdminTarget() : target).resolve(err);
        if (socket.isEmpty()) {
            return new AdminAnswer(null, Mip6kitCommand.EXIT_BAD_INPUT);
        }
        try {
            ObjectNode answer = AdminClient.send(socket.get(), request,
                    Duration.ofSeconds(Math.max(1, timeoutSeconds)));
            answer.remove("ok");
            return new AdminAnswer(answer, 0);
        } catch (AdminException e) {
            err.println(command + ": " + e.getMessage());
            err.flush();
            return new AdminAnswer(null, Mip6kitCommand.EXIT_FAILURE);
        }
    }
}
