package org.mip6kit.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin socket: JSON lines round trip, errors as {@code "ok": false}, owner-only
 * permissions, stale and live sockets, bounded requests, idle connections.
 */
@Tag("medium")
@SuppressWarnings("try") // servers held open by try-with-resources without being referenced
class AdminServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private AdminServer echoServer(Path socket) throws AdminException {
        return AdminServer.builder(socket)
                .daemon("test-daemon")
                .command("echo", (request, reply) -> reply.put("said", request.path("text").asText()))
                .command("fail", (request, reply) -> {
                    throw new AdminException("the answer is no");
                })
                .start();
    }

    @Test
    void registeredCommandAnswersOkTrueWithItsFields() throws Exception {
        Path socket = dir.resolve("a.sock");
        try (AdminServer server = echoServer(socket)) {
            ObjectNode answer = AdminClient.send(socket, AdminClient.request("echo").put("text", "hello"), TIMEOUT);

            assertThat(answer.get("ok").booleanValue()).isTrue();
            assertThat(answer.get("said").asText()).isEqualTo("hello");
        }
    }

    @Test
    void builtInPingAnswersTheDaemonNameAndThisProcessId() throws Exception {
        Path socket = dir.resolve("a.sock");
        try (AdminServer server = echoServer(socket)) {
            ObjectNode answer = AdminClient.send(socket, AdminServer.PING, TIMEOUT);

            assertThat(answer.get("daemon").asText()).isEqualTo("test-daemon");
            assertThat(answer.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        }
    }

    @Test
    void builtInCommandsListsEveryCommandSorted() throws Exception {
        Path socket = dir.resolve("a.sock");
        try (AdminServer server = echoServer(socket)) {
            JsonNode commands = AdminClient.send(socket, AdminServer.COMMANDS, TIMEOUT).get("commands");

            assertThat(commands).extracting(JsonNode::asText).containsExactly("commands", "echo", "fail", "ping");
        }
    }

    @Test
    void handlerFailureIsOkFalseWithTheHandlersMessageVerbatim() throws Exception {
        Path socket = dir.resolve("a.sock");
        try (AdminServer server = echoServer(socket)) {
            assertThatThrownBy(() -> AdminClient.send(socket, "fail", TIMEOUT))
                    .isInstanceOf(AdminException.class)
                    .hasMessage("the answer is no");
        }
    }

    @Test
    void unknownCommandIsAnErrorListingTheCommands() throws Exception {
        Path socket = dir.resolve("a.sock");
        try (AdminServer server = echoServer(socket)) {
            assertThatThrownBy(() -> AdminClient.send(socket, "bindngs", TIMEOUT))
                    .isInstanceOf(AdminException.class)
                    .hasMessage("unknown command 'bindngs'; commands: commands, echo, fail, ping");
        }
    }

    @Test
    void requestThatIsNotJsonGetsAnErrorAndTheConnectionStaysUsable() throws Exception {
        Path socket = dir.resolve("a.sock");
        try (AdminServer server = echoServer(socket);
             SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            write(c, "this is not json\n{\"command\":\"echo\",\"text\":\"still here\"}\n");

            JsonNode first = AdminProtocol.JSON.readTree(readLine(c));
            JsonNode second = AdminProtocol.JSON.readTree(readLine(c));

            assertThat(first.get("ok").booleanValue()).isFalse();
            assertThat(first.get("error").asText()).startsWith("the request is not valid JSON");
            assertThat(second.get("ok").booleanValue()).isTrue();
            assertThat(second.get("said").asText()).isEqualTo("still here");
        }
    }

    @Test
    void requestWithoutACommandStringIsAnError() throws Exception {
        Path socket = dir.resolve("a.sock");
        try (AdminServer server = echoServer(socket);
             SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            write(c, "{\"command\":7}\n[1,2]\n");

            JsonNode notText = AdminProtocol.JSON.readTree(readLine(c));
            JsonNode notObject = AdminProtocol.JSON.readTree(readLine(c));

            assertThat(notText.get("error").asText()).startsWith("the request has no \"command\" string");
            assertThat(notObject.get("error").asText()).startsWith("a request is one JSON object");
        }
    }

    @Test
    void requestLongerThanTheLimitIsRefusedAndTheConnectionClosed() throws Exception {
        Path socket = dir.resolve("a.sock");
        try (AdminServer server = echoServer(socket);
             SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            String huge = "{\"command\":\"echo\",\"text\":\"" + "x".repeat(AdminProtocol.MAX_REQUEST_BYTES) + "\"}\n";
            Future<?> writing = Executors.newSingleThreadExecutor().submit(() -> {
                try {
                    write(c, huge);
                } catch (IOException e) {
                    // the server closes the connection before reading it all
                }
                return null;
            });

            JsonNode answer = AdminProtocol.JSON.readTree(readLine(c));

            assertThat(answer.get("ok").booleanValue()).isFalse();
            assertThat(answer.get("error").asText())
                    .isEqualTo("request longer than 65536 octets; a request is one line of JSON");
            assertThat(readToEnd(c)).as("the server closed the connection").isEqualTo(-1);
            writing.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void idleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        Path socket = dir.resolve("a.sock");
        try (AdminServer server = AdminServer.builder(socket).idleTimeout(Duration.ofMillis(200)).start();
             SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            long start = System.nanoTime();

            int read = readToEnd(c);

            assertThat(read).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(150),
                    Duration.ofSeconds(5));
        }
    }

    @Test
    void socketIsOwnerOnlyAndNoPrivateDirectoryIsLeftBehind() throws Exception {
        Path socket = dir.resolve("a.sock");
        try (AdminServer server = echoServer(socket)) {
            assertThat(Files.readAttributes(socket, "unix:mode").get("mode"))
                    .as("socket file type and mode 0600").isEqualTo(0140600);
            try (Stream<Path> entries = Files.list(dir)) {
                assertThat(entries.map(p -> p.getFileName().toString()).toList()).containsExactly("a.sock");
            }
        }
    }

    @Test
    void missingDirectoryIsCreatedOwnerOnly() throws Exception {
        Path socket = dir.resolve("run/mip6kit/a.sock");
        try (AdminServer server = echoServer(socket)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
                    .isEqualTo("rwx------");
            assertThat(AdminClient.send(socket, AdminServer.PING, TIMEOUT).get("ok").booleanValue()).isTrue();
        }
    }

    @Test
    void directoryAnybodyMayWriteWithoutStickyBitIsRefused() throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThatThrownBy(() -> echoServer(open.resolve("a.sock")))
                .isInstanceOf(AdminException.class)
                .hasMessageContaining("refusing to put the admin socket in " + open)
                .hasMessageContaining("anybody may write");
        assertThat(open.resolve("a.sock")).doesNotExist();
    }

    @Test
    void closeRemovesTheSocketFile() throws Exception {
        Path socket = dir.resolve("a.sock");
        AdminServer server = echoServer(socket);
        assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).isTrue();

        server.close();

        assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThatThrownBy(() -> AdminClient.send(socket, AdminServer.PING, TIMEOUT))
                .hasMessageStartingWith("no daemon is running on " + socket);
    }

    @Test
    void staleSocketOfADeadDaemonIsReplaced() throws Exception {
        Path socket = dir.resolve("a.sock");
        leaveStaleSocket(socket);
        assertThatThrownBy(() -> AdminClient.send(socket, AdminServer.PING, TIMEOUT))
                .hasMessageStartingWith("no daemon is listening on " + socket);

        try (AdminServer server = echoServer(socket)) {
            assertThat(AdminClient.send(socket, AdminServer.PING, TIMEOUT).get("daemon").asText())
                    .isEqualTo("test-daemon");
        }
    }

    @Test
    void liveSocketIsRefusedAndKeepsServing() throws Exception {
        Path socket = dir.resolve("a.sock");
        try (AdminServer first = echoServer(socket)) {
            assertThatThrownBy(() -> echoServer(socket))
                    .isInstanceOf(AdminException.class)
                    .hasMessageStartingWith("another daemon is running on " + socket);

            assertThat(AdminClient.send(socket, AdminServer.PING, TIMEOUT).get("ok").booleanValue()).isTrue();
        }
    }

    @Test
    void regularFileAtTheSocketPathIsNeverReplaced() throws Exception {
        Path socket = dir.resolve("a.sock");
        Files.writeString(socket, "precious");

        assertThatThrownBy(() -> echoServer(socket))
                .isInstanceOf(AdminException.class)
                .hasMessage(socket + " exists and is a regular file, not a socket; refusing to replace it: remove it, "
                        + "or set admin.socket to another path");
        assertThat(Files.readString(socket)).isEqualTo("precious");
    }

    @Test
    void pathTooLongForTheKernelIsRefusedBeforeBinding() {
        Path socket = dir.resolve("d".repeat(100)).resolve("a.sock");

        assertThat(AdminServer.pathTooLong(socket)).contains("at most 107");
        assertThatThrownBy(() -> echoServer(socket))
                .isInstanceOf(AdminException.class)
                .hasMessageContaining("a unix socket path holds at most 107");
    }

    @Test
    void builtInCommandNamesCannotBeRegisteredAgain() {
        assertThatThrownBy(() -> AdminServer.builder(dir.resolve("a.sock")).command("ping", (q, r) -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void severalClientsAreServedConcurrently() throws Exception {
        Path socket = dir.resolve("a.sock");
        try (AdminServer server = echoServer(socket);
             SocketChannel idle = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            // One client holds a connection open without asking anything; others are still answered.
            List<Future<ObjectNode>> answers = Stream.of("a", "b", "c")
                    .map(t -> Executors.newSingleThreadExecutor().submit(() ->
                            AdminClient.send(socket, AdminClient.request("echo").put("text", t), TIMEOUT)))
                    .toList();

            assertThat(answers.get(0).get(5, TimeUnit.SECONDS).get("said").asText()).isEqualTo("a");
            assertThat(answers.get(1).get(5, TimeUnit.SECONDS).get("said").asText()).isEqualTo("b");
            assertThat(answers.get(2).get(5, TimeUnit.SECONDS).get("said").asText()).isEqualTo("c");
        }
    }

    @Test
    void clientBeyondTheConnectionLimitIsToldTheDaemonIsBusy() throws Exception {
        Path socket = dir.resolve("a.sock");
        try (AdminServer server = AdminServer.builder(socket).maxConnections(1).start();
             SocketChannel holder = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            assertThatThrownBy(() -> AdminClient.send(socket, AdminServer.PING, TIMEOUT))
                    .isInstanceOf(AdminException.class)
                    .hasMessageStartingWith("busy: the daemon already serves the most admin connections");

            holder.close();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            ObjectNode answer = null;
            while (answer == null && System.nanoTime() < deadline) {
                try {
                    answer = AdminClient.send(socket, AdminServer.PING, TIMEOUT);
                } catch (AdminException busyUntilTheServerSeesTheClose) {
                    Thread.onSpinWait();
                }
            }
            assertThat(answer).as("served once the first client left").isNotNull();
        }
    }

    @Test
    void requestTricklingInAByteAtATimeIsClosedAtItsDeadlineNotKeptAliveByEachByte() throws Exception {
        Path socket = dir.resolve("a.sock");
        try (AdminServer server = AdminServer.builder(socket).idleTimeout(Duration.ofMillis(300)).start();
             SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            long start = System.nanoTime();
            boolean closedByServer = false;
            // One byte every 100 ms: each read comes well within 300 ms of the one before.
            for (int i = 0; i < 40 && !closedByServer; i++) {
                try {
                    write(c, i == 0 ? "{" : " ");
                } catch (IOException e) {
                    closedByServer = true;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }

            assertThat(closedByServer).as("the server closed the trickling connection").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2000));
        }
    }

    @Test
    void requestBeyondTheConcurrentRequestLimitIsToldTheDaemonIsBusy() throws Exception {
        Path socket = dir.resolve("a.sock");
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (AdminServer server = AdminServer.builder(socket)
                .maxConcurrentRequests(1)
                .command("block", (request, reply) -> {
                    entered.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                })
                .start()) {
            Future<ObjectNode> blocked = Executors.newSingleThreadExecutor().submit(() ->
                    AdminClient.send(socket, "block", TIMEOUT));
            assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

            assertThatThrownBy(() -> AdminClient.send(socket, AdminServer.PING, TIMEOUT))
                    .isInstanceOf(AdminException.class)
                    .hasMessage("busy: the daemon is already answering 1 admin requests, the most it answers at "
                            + "once; try again (see docs/errors.md#admin-socket-busy)");

            release.countDown();
            assertThat(blocked.get(5, TimeUnit.SECONDS).get("ok").booleanValue()).isTrue();
            assertThat(AdminClient.send(socket, AdminServer.PING, TIMEOUT).get("ok").booleanValue()).isTrue();
        }
    }

    @Test
    void streamingCommandWritesItsFieldsAfterOkTrueOnOneLine() throws Exception {
        Path socket = dir.resolve("a.sock");
        try (AdminServer server = AdminServer.builder(socket)
                .streamingCommand("count", request -> {
                    int to = request.path("to").asInt();
                    return out -> {
                        out.writeArrayFieldStart("numbers");
                        for (int i = 1; i <= to; i++) {
                            out.writeNumber(i);
                        }
                        out.writeEndArray();
                        out.writeStringField("text", "two\nlines");
                    };
                })
                .start()) {
            ObjectNode answer = AdminClient.send(socket, AdminClient.request("count").put("to", 100_000), TIMEOUT);

            assertThat(answer.get("ok").booleanValue()).isTrue();
            assertThat(answer.get("numbers")).hasSize(100_000);
            assertThat(answer.get("numbers").get(99_999).asInt()).isEqualTo(100_000);
            assertThat(answer.get("text").asText()).isEqualTo("two\nlines");
        }
    }

    @Test
    void streamingCommandRefusingInOpenAnswersOkFalse() throws Exception {
        Path socket = dir.resolve("a.sock");
        try (AdminServer server = AdminServer.builder(socket)
                .streamingCommand("picky", request -> {
                    throw new AdminException("--limit must be positive");
                })
                .start()) {
            assertThatThrownBy(() -> AdminClient.send(socket, "picky", TIMEOUT))
                    .isInstanceOf(AdminException.class)
                    .hasMessage("--limit must be positive");
        }
    }

    /** A socket file whose server is gone: bound, then closed without removing the file. */
    static void leaveStaleSocket(Path socket) throws IOException {
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    private static void write(SocketChannel c, String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            c.write(b);
        }
    }

    private static String readLine(SocketChannel c) throws IOException {
        StringBuilder line = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            if (c.read(one) < 0) {
                return line.toString();
            }
            char ch = (char) one.get(0);
            if (ch == '\n') {
                return line.toString();
            }
            line.append(ch);
        }
    }

    /**
     * Reads until the peer closes; returns -1 then. A peer that closes with our request still
     * unread resets the connection, which also counts as closed.
     */
    private static int readToEnd(SocketChannel c) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4096);
        int n;
        do {
            b.clear();
            try {
                n = c.read(b);
            } catch (java.net.SocketException e) {
                if (String.valueOf(e.getMessage()).contains("Connection reset")) {
                    return -1;
                }
                throw e;
            }
        } while (n > 0);
        return n;
    }
}
