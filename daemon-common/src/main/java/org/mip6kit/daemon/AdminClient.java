package org.mip6kit.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Sends one request to a daemon's {@link AdminServer} and returns its answer. What
 * {@code mip6kit ha bindings} and {@code mip6kit mn move} use. Every failure is an
 * {@link AdminException} whose message tells the operator what to check.
 */
public final class AdminClient {

    /** How long a command line tool waits for a daemon's answer unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private AdminClient() {
    }

    /** A request object with only {@code command} set, to add arguments to. */
    public static ObjectNode request(String command) {
        return AdminProtocol.JSON.createObjectNode().put("command", Objects.requireNonNull(command, "command"));
    }

    /** Sends {@code {"command":<command>}}; see {@link #send(Path, ObjectNode, Duration)}. */
    public static ObjectNode send(Path socket, String command, Duration timeout) throws AdminException {
        return send(socket, request(command), timeout);
    }

    /**
     * Connects to {@code socket}, sends {@code request} as one line and reads one line back.
     *
     * @return the daemon's answer, whose {@code ok} is true
     * @throws AdminException if no daemon is running there, the socket is not ours, the daemon
     *         does not answer within {@code timeout}, or it answers {@code "ok": false} (the
     *         message is then the daemon's {@code error}, verbatim)
     */
    @SuppressWarnings("try") // the timeout closes the channel from the timer thread
    public static ObjectNode send(Path socket, ObjectNode request, Duration timeout) throws AdminException {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(request, "request");
        Path path = socket.toAbsolutePath();
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new AdminException("no daemon is running on " + path + ": the socket does not exist (is the "
                    + "daemon started, with this admin.socket?)");
        }
        int bytes = AdminProtocol.pathBytes(path);
        if (bytes > AdminProtocol.MAX_SOCKET_PATH_BYTES) {
            throw new AdminException("cannot connect to " + path + ": the path has " + bytes + " octets and a unix "
                    + "socket path holds at most " + AdminProtocol.MAX_SOCKET_PATH_BYTES);
        }
        AtomicBoolean timedOut = new AtomicBoolean();
        Timer timer = new Timer("mip6-admin-client-timeout", true);
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            timer.schedule(new TimerTask() {
                @Override
                public void run() {
                    timedOut.set(true);
                    try {
                        channel.close();
                    } catch (IOException e) {
                        // nothing to do
                    }
                }
            }, Math.max(1, timeout.toMillis()));
            connect(channel, path);
            byte[] json = AdminProtocol.JSON.writeValueAsBytes(request);
            ByteBuffer out = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
            try {
                while (out.hasRemaining()) {
                    channel.write(out);
                }
            } catch (IOException writeFailed) {
                // A server that refuses the connection (busy) answers and closes without reading
                // the request; its answer may already be waiting, so read it before giving up.
                if (!channel.isOpen()) {
                    throw writeFailed;
                }
                try {
                    return parse(path, readLine(channel, path));
                } catch (IOException | AdminException nothingWaiting) {
                    throw writeFailed;
                }
            }
            return parse(path, readLine(channel, path));
        } catch (ClosedChannelException e) {
            if (timedOut.get()) {
                throw new AdminException("no answer from the daemon on " + path + " within "
                        + timeout.toMillis() + " ms");
            }
            throw new AdminException("the daemon on " + path + " closed the connection: " + e, e);
        } catch (IOException e) {
            throw new AdminException("talking to the daemon on " + path + " failed: " + e.getMessage(), e);
        } finally {
            timer.cancel();
        }
    }

    private static void connect(SocketChannel channel, Path path) throws AdminException, IOException {
        try {
            channel.connect(UnixDomainSocketAddress.of(path));
        } catch (ConnectException e) {
            throw new AdminException("no daemon is listening on " + path + ": the socket is left over from a daemon "
                    + "that stopped (starting the daemon again replaces it)");
        } catch (java.net.SocketException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("ermission denied")) {
                throw new AdminException("permission denied on " + path + ": the admin socket is owner-only; run "
                        + "this command as the user the daemon runs as");
            }
            throw e;
        }
    }

    private static byte[] readLine(SocketChannel channel, Path path) throws IOException, AdminException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        while (true) {
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
                throw new AdminException("the daemon on " + path + " closed the connection without answering");
            }
            for (int i = 0; i < n; i++) {
                byte b = buffer.get(i);
                if (b == '\n') {
                    return line.toByteArray();
                }
                line.write(b);
            }
            if (line.size() > AdminProtocol.MAX_RESPONSE_BYTES) {
                throw new AdminException("the answer from " + path + " is longer than "
                        + AdminProtocol.MAX_RESPONSE_BYTES + " octets");
            }
        }
    }

    private static ObjectNode parse(Path path, byte[] line) throws AdminException {
        JsonNode answer;
        try {
            answer = AdminProtocol.JSON.readTree(AdminProtocol.utf8(line, line.length));
        } catch (JsonProcessingException | CharacterCodingException e) {
            throw new AdminException("the daemon on " + path + " answered something that is not JSON: "
                    + e.getMessage());
        }
        if (answer == null || !answer.isObject() || !answer.path("ok").isBoolean()) {
            throw new AdminException("the daemon on " + path + " answered without an \"ok\" field");
        }
        if (!answer.get("ok").booleanValue()) {
            throw new AdminException(answer.path("error").asText("the daemon refused the request without a reason"));
        }
        return (ObjectNode) answer;
    }
}
