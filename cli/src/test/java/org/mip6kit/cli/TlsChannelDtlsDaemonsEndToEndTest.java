package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.cli.DaemonsEndToEndProcesses.Deadline;
import org.mip6kit.cli.DaemonsEndToEndProcesses.Result;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.daemon.DaemonSettings;
import org.mip6kit.ha.HomeAgentConfig;
import org.mip6kit.mn.MobileNodeConfig;
import org.mip6kit.testing.HostRequirements;
import org.mip6kit.wire.SequenceNumber;

/**
 * The two reference daemons with the tls-channel provider in mode {@code dtls} (mip6kit's own:
 * Mobility Header messages inside DTLS 1.2) as separate operating-system processes, run from the
 * shipped {@code docs/examples/ha-dtls.yaml} / {@code mn-dtls.yaml}, copied unchanged into a
 * temporary directory that mirrors the repository's layout, with the PSK made by the command
 * written in {@code ha-dtls.yaml}'s comments.
 *
 * <p>Against the running home agent:
 * <ul>
 * <li>Debian's {@code openssl s_client -dtls1_2 -psk} completes a handshake and round-trips the
 *     40-octet home address assignment exchange; with a wrong PSK it gets nothing and the home agent
 *     stays up. (OpenSSL 3.0 has no RFC 9146 connection IDs, so those runs use none.)</li>
 * <li>a ClientHello flood (one real ClientHello, captured from {@code openssl s_client}, sent a few
 *     thousand times from many source ports) is answered with stateless HelloVerifyRequests and
 *     leaves no association ({@code perNodeState} of the admin {@code status});</li>
 * <li>{@code mn move} to an IPv4 care-of address and back: the binding follows, the node's source
 *     port changes, and there is no new handshake (no {@code bootstrap-completed} on the node, one
 *     association on the home agent, no DTLS handshake record in the capture meanwhile): the
 *     connection ID kept the association;</li>
 * <li>kill -9 of the node and a restart: a new handshake and a new registration; SIGTERM to both:
 *     deregistration and clean stop lines;</li>
 * <li>{@code tshark -d udp.port==54191,dtls} on the home agent's {@code --pcap}: DTLS 1.2 both
 *     ways, {@code tls12_cid} records from the node, and no Mobility Header in clear.</li>
 * </ul>
 */
@Tag("large")
class TlsChannelDtlsDaemonsEndToEndTest {

    /** Each `ha bindings` / `mn move` is a JVM start: 3 to 9 s apiece on a busy 2-core machine. */
    private static final Duration SCENARIO_LIMIT = Duration.ofSeconds(240);
    private static final Duration BUILD_LIMIT = Duration.ofSeconds(300);
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(20);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(15);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final Duration OPENSSL_ANSWER_LIMIT = Duration.ofSeconds(10);
    /** How long a wrong-PSK client is given to (not) get an answer. */
    private static final Duration WRONG_PSK_WAIT = Duration.ofSeconds(4);

    private static final String HA_CONFIG = "docs/examples/ha-dtls.yaml";
    private static final String MN_CONFIG = "docs/examples/mn-dtls.yaml";
    private static final String PROVIDER = "tls-channel";
    private static final String PSK_IDENTITY = "mn1@example.com";
    private static final String IDENTITY = "psk_identity:" + PSK_IDENTITY;
    private static final String HOME_ADDRESS = "2001:db8:1::100";
    private static final String HOME_AGENT = "2001:db8:1::1";
    private static final String FIRST_CARE_OF = "2001:db8:2::100";
    private static final String IPV4_CARE_OF = "192.0.2.10";
    private static final String IPV4_CARE_OF_MAPPED = "::ffff:192.0.2.10";
    private static final String OPENSSL_CIPHER = "ECDHE-PSK-CHACHA20-POLY1305";
    /** {@code openssl s_client -state}: the client read the server's Finished, the handshake is complete. */
    private static final String OPENSSL_HANDSHAKE_DONE = "SSL_connect:SSLv3/TLS read finished";
    private static final String BOOTSTRAP_COMPLETED = "bootstrap-completed identity=" + IDENTITY;

    /** The flood: this many ClientHellos, from this many source ports. */
    private static final int FLOOD_PORTS = 40;
    private static final int FLOOD_ROUNDS = 75;

    private static final int CONTENT_HANDSHAKE = 22;
    private static final int CONTENT_APPLICATION_DATA = 23;
    private static final int CONTENT_TLS12_CID = 25;
    private static final int CLIENT_HELLO = 1;
    private static final int SERVER_HELLO = 2;
    private static final int HELLO_VERIFY_REQUEST = 3;

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    private String launcher;
    private Deadline deadline;
    private DaemonsEndToEndProcesses processes;
    private Path haSocket;
    private InetSocketAddress listen;

    @Test
    void dtlsDaemonsRegisterServeOpensslSurviveAFloodMoveOnTheirConnectionIdAndCaptureOnlyDtls() throws Exception {
        Path root = Mip6kitLauncherTest.repositoryRoot();
        launcher = root.resolve("mip6kit").toString();
        processes = new DaemonsEndToEndProcesses(work);
        try {
            scenario(root);
        } catch (Throwable t) {
            System.err.println(processes.report());
            throw t;
        } finally {
            processes.close();
        }
    }

    private void scenario(Path root) throws Exception {
        Path openssl = HostRequirements.command("openssl", "openssl");
        Path tshark = HostRequirements.command("tshark", "tshark");

        // The user's copy of the examples, unchanged, and the PSK made with ha-dtls.yaml's own command.
        Path examples = Files.createDirectories(work.resolve("docs/examples"));
        Path haYaml = Files.copy(root.resolve(HA_CONFIG), examples.resolve("ha-dtls.yaml"));
        Path mnYaml = Files.copy(root.resolve(MN_CONFIG), examples.resolve("mn-dtls.yaml"));
        HomeAgentConfig haConfig = HomeAgentConfig.load(haYaml);
        MobileNodeConfig mnConfig = MobileNodeConfig.load(mnYaml);
        haSocket = haConfig.daemon().adminSocket();
        Path mnSocket = mnConfig.daemon().adminSocket();
        listen = endpoint(haConfig.root().section("security").section(PROVIDER).string("listen"));
        requireFree(listen);

        Path pskTable = haConfig.root().section("security").section(PROVIDER).path("psk-table");
        Path pskFile = mnConfig.root().section("security").section(PROVIDER).path("psk-file");
        String pskCommand = pskCommand(haYaml);
        // in the file's directory, as its comments say
        Result made = processes.run("create-psk", COMMAND_LIMIT,
                List.of("sh", "-c", "cd '" + haYaml.getParent() + "' && " + pskCommand));
        assertThat(made.exitCode()).as("%s", made).isZero();
        for (Path secret : List.of(pskTable, pskFile)) {
            assertThat(secret).as("written by the command of %s", HA_CONFIG).isRegularFile();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
        }
        String psk = Files.readString(pskFile).strip();
        assertThat(Files.readString(pskTable).strip()).as("the table's line for the node's key")
                .isEqualTo(PSK_IDENTITY + " " + psk);

        Result version = processes.run("launcher-build", BUILD_LIMIT, List.of(launcher, "--version"));
        assertThat(version.exitCode()).as("the launcher builds and runs; %s", version).isZero();

        // The flood's ClientHello, captured before the clock starts (openssl starts slowly).
        byte[] clientHello = captureClientHello(openssl);

        deadline = Deadline.in(SCENARIO_LIMIT);

        // Registration.
        Process ha = processes.startDaemon("ha",
                List.of(launcher, "ha", "run", "--config", HA_CONFIG, "--pcap", "ha.pcap"));
        JsonNode empty = awaitBindings("the home agent answers `ha bindings`", answer -> true, ha);
        assertThat(empty.path("count").asInt()).as("bindings before any mobile node: %s", empty).isZero();
        Process mn = processes.startDaemon("mn", List.of(launcher, "mn", "run", "--config", MN_CONFIG));
        JsonNode registered = awaitBindings("the home agent lists " + HOME_ADDRESS,
                answer -> binding(answer).isPresent(), ha, mn);
        JsonNode first = binding(registered).orElseThrow();
        assertThat(first.path("identity").asText()).isEqualTo(IDENTITY);
        assertThat(first.path("careOfAddress").asText()).isEqualTo(FIRST_CARE_OF);
        assertThat(first.path("provider").asText()).isEqualTo(PROVIDER);
        assertThat(registered.path("count").asInt()).isEqualTo(1);
        JsonNode nodeStatus = mnStatus();
        assertThat(nodeStatus.path("registered").asBoolean()).as("%s", nodeStatus).isTrue();
        assertThat(nodeStatus.path("identity").asText()).as("%s", nodeStatus).isEqualTo(IDENTITY);
        assertThat(nodeStatus.path("homeAddress").asText()).as("assigned in the channel: %s", nodeStatus)
                .isEqualTo(HOME_ADDRESS);
        assertThat(nodeStatus.path("homeAgent").asText()).as("%s", nodeStatus).isEqualTo(HOME_AGENT);
        assertThat(count(processes.stderrOf("mn"), BOOTSTRAP_COMPLETED)).as("handshakes of the node").isEqualTo(1);
        assertThat(perNodeState()).as("the home agent's associations: the node's").isEqualTo(1);
        Optional<JsonNode> beforeFlood = providerCounters();

        // The ClientHello flood: stateless HelloVerifyRequests, no association.
        int verifyRequests = flood(listen, clientHello);
        assertThat(perNodeState()).as("the home agent's associations after the flood: still only the node's")
                .isEqualTo(1);
        Optional<JsonNode> afterFlood = providerCounters();
        if (beforeFlood.isPresent() && afterFlood.isPresent()) {
            assertThat(delta(beforeFlood, afterFlood, "cookies-sent")).as("cookies sent for the flood")
                    .isGreaterThanOrEqualTo(verifyRequests);
            assertThat(delta(beforeFlood, afterFlood, "handshakes-started")).as("handshakes the flood started")
                    .isZero();
        }
        assertThat(binding(bindingsNow()).map(b -> b.path("sequence").asInt()))
                .as("the binding after the flood").contains(first.path("sequence").asInt());

        // A move to an IPv4 care-of address and back, on the same association (its connection ID).
        Optional<JsonNode> beforeMoves = providerCounters();
        double moveStart = epochSeconds();
        String peerBefore = first.path("outerPeer").asText();
        SequenceNumber sequence = SequenceNumber.of(first.path("sequence").asInt());
        JsonNode away = move(IPV4_CARE_OF, IPV4_CARE_OF_MAPPED, sequence, ha, mn);
        sequence = SequenceNumber.of(away.path("sequence").asInt());
        JsonNode back = move(FIRST_CARE_OF, FIRST_CARE_OF, sequence, ha, mn);
        double moveEnd = epochSeconds();
        assertThat(List.of(away.path("outerPeer").asText(), back.path("outerPeer").asText()))
                .as("the node's records came from a new port after each move (it rebinds its socket), "
                        + "first from %s", peerBefore)
                .doesNotContain(peerBefore).doesNotHaveDuplicates();
        assertThat(count(processes.stderrOf("mn"), BOOTSTRAP_COMPLETED))
                .as("no new handshake of the node for the moves").isEqualTo(1);
        assertThat(perNodeState()).as("the home agent's associations after the moves").isEqualTo(1);
        Optional<JsonNode> afterMoves = providerCounters();
        if (beforeMoves.isPresent() && afterMoves.isPresent()) {
            assertThat(delta(beforeMoves, afterMoves, "handshakes-started")).as("handshakes for the moves").isZero();
            assertThat(delta(beforeMoves, afterMoves, "peer-address-changes"))
                    .as("the association's peer followed the node's new source ports (RFC 9146 section 6)")
                    .isGreaterThanOrEqualTo(2);
        }
        assertThat(processes.stderrOf("ha"))
                .contains("binding-moved identity=" + IDENTITY + " hoa=" + HOME_ADDRESS + " coa=" + IPV4_CARE_OF_MAPPED)
                .contains("binding-moved identity=" + IDENTITY + " hoa=" + HOME_ADDRESS + " coa=" + FIRST_CARE_OF);

        // openssl as a DTLS client: the assignment exchange round-trips; a wrong PSK gets nothing.
        int transaction = new SecureRandom().nextInt();
        OpensslRun good = opensslAssignment(openssl, "openssl-psk", psk, transaction, OPENSSL_ANSWER_LIMIT);
        assertThat(good.stderr()).as("openssl's handshake states").contains(OPENSSL_HANDSHAKE_DONE);
        assertThat(good.answer()).as("openssl's stdout: the assignment answer").hasSize(40);
        checkAssignmentAnswer(good.answer(), transaction);
        byte[] wrongKey = new byte[32];
        new SecureRandom().nextBytes(wrongKey);
        OpensslRun wrong = opensslAssignment(openssl, "openssl-wrong-psk", HexFormat.of().formatHex(wrongKey),
                transaction, WRONG_PSK_WAIT);
        assertThat(wrong.answer()).as("octets a client with a wrong PSK got back").isEmpty();
        assertThat(wrong.stderr()).as("the wrong PSK's handshake states").doesNotContain(OPENSSL_HANDSHAKE_DONE);
        assertThat(ha.isAlive()).as("the home agent after a wrong PSK").isTrue();
        JsonNode afterOpenssl = bindingsNow();
        assertThat(binding(afterOpenssl).map(b -> b.path("careOfAddress").asText()))
                .as("the node's binding after the openssl clients: %s", afterOpenssl).contains(FIRST_CARE_OF);

        // kill -9 the node and start it again: a new handshake and a new registration.
        int sequenceBeforeKill = binding(afterOpenssl).orElseThrow().path("sequence").asInt();
        String peerBeforeKill = binding(afterOpenssl).orElseThrow().path("outerPeer").asText();
        Optional<JsonNode> beforeRestart = providerCounters();
        processes.note("SIGKILL to mn");
        mn.destroyForcibly();
        assertThat(mn.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)).as("killed").isTrue();
        double restart = epochSeconds();
        Process mn2 = processes.startDaemon("mn2", List.of(launcher, "mn", "run", "--config", MN_CONFIG));
        JsonNode again = awaitBindings("a new registration of the restarted node",
                answer -> binding(answer).map(b -> b.path("sequence").asInt() != sequenceBeforeKill
                        && !b.path("outerPeer").asText().equals(peerBeforeKill)).orElse(false), ha, mn2);
        assertThat(binding(again).orElseThrow().path("identity").asText()).isEqualTo(IDENTITY);
        assertThat(count(processes.stderrOf("mn2"), BOOTSTRAP_COMPLETED + " hoa=" + HOME_ADDRESS))
                .as("the restarted node's handshake and assignment").isEqualTo(1);
        Optional<JsonNode> afterRestart = providerCounters();
        if (beforeRestart.isPresent() && afterRestart.isPresent()) {
            assertThat(delta(beforeRestart, afterRestart, "handshakes-completed")).as("the restarted node's handshake")
                    .isGreaterThanOrEqualTo(1);
        }
        // The killed node's association (and the openssl client's, same identity and home address) is
        // superseded by the restarted node's accepted Binding Update: no established association is
        // left but the node's; only handshakes still in progress (the wrong-PSK client's) may remain.
        JsonNode counters = providerCounters().orElseThrow(() -> new AssertionError(
                "the home agent publishes no provider.counters"));
        long inProgress = counters.path("handshakes-started").asLong() - counters.path("handshakes-completed").asLong()
                - counters.path("handshakes-failed").asLong() - counters.path("handshakes-dropped").asLong();
        assertThat(perNodeState()).as("associations after the restart: the restarted node's, plus %d handshake(s) in "
                + "progress (counters %s)", inProgress, counters).isLessThanOrEqualTo(1 + (int) inProgress);
        JsonNode restarted = mnStatus();
        assertThat(restarted.path("registered").asBoolean()).as("%s", restarted).isTrue();
        assertThat(restarted.path("homeAddress").asText()).as("%s", restarted).isEqualTo(HOME_ADDRESS);

        // SIGTERM the node (it deregisters), then the home agent.
        assertThat(processes.terminate("mn2", mn2, deadline.cap(STOP_LIMIT))).as("mn exits on SIGTERM").isTrue();
        assertThat(mn2.exitValue()).as("the mobile node's exit status").isZero();
        assertThat(Files.exists(mnSocket, LinkOption.NOFOLLOW_LINKS)).as("%s removed", mnSocket).isFalse();
        assertThat(processes.stderrOf("mn2")).contains("deregistered identity=" + IDENTITY + " hoa=" + HOME_ADDRESS)
                .contains("mobile node stopped");
        assertThat(processes.stderrOf("ha")).contains("binding-deleted identity=" + IDENTITY + " hoa=" + HOME_ADDRESS);
        assertThat(bindingsNow().path("count").asInt()).as("bindings after the deregistration").isZero();
        assertThat(processes.terminate("ha", ha, deadline.cap(STOP_LIMIT))).as("ha exits on SIGTERM").isTrue();
        assertThat(ha.exitValue()).as("the home agent's exit status").isZero();
        assertThat(Files.exists(haSocket, LinkOption.NOFOLLOW_LINKS)).as("%s removed", haSocket).isFalse();
        Matcher stopped = Pattern.compile("home agent " + Pattern.quote(HOME_AGENT) + " stopped: (\\d+) Binding "
                + "Updates received, (\\d+) accepted, (\\d+) refused, 0 rejected, 0 dropped, 0 malformed")
                .matcher(processes.stderrOf("ha"));
        assertThat(stopped.find()).as("the home agent's stop line").isTrue();
        // The restarted node starts from a random sequence number (RFC 6275 §11.7.1): if it is not newer than
        // the binding's, the home agent answers 135 once and the node goes on from the number it was given.
        assertThat(Integer.parseInt(stopped.group(3))).as("refused: at most the restarted node's first (135)")
                .isLessThanOrEqualTo(1);
        assertThat(Integer.parseInt(stopped.group(2)))
                .as("accepted: registration, two moves, the restarted node's registration, its deregistration")
                .isGreaterThanOrEqualTo(5);

        checkCapture(tshark, listen.getPort(), moveStart, moveEnd, restart);
        assertThat(deadline.passed()).as("the scenario took longer than %s", SCENARIO_LIMIT).isFalse();
        System.out.printf("TlsChannelDtlsDaemonsEndToEndTest: scenario %d ms%n%s%n",
                SCENARIO_LIMIT.minus(deadline.remaining()).toMillis(), processes.timeline());
    }

    // ------------------------------------------------------------------ the node's move

    /** {@code mn move --coa}; waits until the binding shows {@code shown} with a newer sequence number. */
    private JsonNode move(String coa, String shown, SequenceNumber after, Process... alive) throws Exception {
        Result move = processes.run("mn-move", deadline.cap(COMMAND_LIMIT),
                List.of(launcher, "mn", "move", "--config", MN_CONFIG, "--coa", coa));
        assertThat(move.exitCode()).as("%s", move).isZero();
        JsonNode moved = awaitBindings("the binding's care-of address becomes " + shown,
                answer -> binding(answer).map(b -> b.path("careOfAddress").asText().equals(shown)).orElse(false),
                alive);
        JsonNode b = binding(moved).orElseThrow();
        SequenceNumber s = SequenceNumber.of(b.path("sequence").asInt());
        assertThat(s.isNewerThan(after)).as("the move's sequence %s is newer than %s", s, after).isTrue();
        return b;
    }

    // ------------------------------------------------------------------ the flood

    /**
     * One ClientHello as {@code openssl s_client -dtls1_2} sends it first (no cookie): openssl is
     * pointed at a UDP socket of this test, which keeps the first datagram.
     */
    private byte[] captureClientHello(Path openssl) throws Exception {
        try (DatagramSocket sink = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("::1"), 0))) {
            sink.setSoTimeout((int) COMMAND_LIMIT.toMillis());
            Process client = new ProcessBuilder(openssl.toString(), "s_client", "-dtls1_2", "-connect",
                    "[::1]:" + sink.getLocalPort(), "-psk_identity", PSK_IDENTITY, "-psk", "00112233445566778899aabbccddeeff",
                    "-cipher", OPENSSL_CIPHER, "-quiet")
                    .directory(work.toFile())
                    .redirectOutput(work.resolve("openssl-clienthello.stdout").toFile())
                    .redirectError(work.resolve("openssl-clienthello.stderr").toFile())
                    .start();
            try {
                DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
                sink.receive(p);
                byte[] hello = Arrays.copyOf(p.getData(), p.getLength());
                assertThat(hello.length).as("a DTLS record header and a handshake header").isGreaterThan(25);
                assertThat(hello[0] & 0xff).as("content type").isEqualTo(CONTENT_HANDSHAKE);
                assertThat(hello[13] & 0xff).as("handshake type").isEqualTo(CLIENT_HELLO);
                return hello;
            } finally {
                client.destroyForcibly();
                client.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * Sends {@code hello} {@link #FLOOD_ROUNDS} times from each of {@link #FLOOD_PORTS} sockets, a
     * round at a time (one from each socket, then their answers), and checks that every answer is
     * a HelloVerifyRequest and that (almost) every ClientHello got one.
     */
    private int flood(InetSocketAddress target, byte[] hello) throws IOException {
        List<DatagramSocket> sockets = new ArrayList<>();
        int sent = 0;
        int verifyRequests = 0;
        List<String> others = new ArrayList<>();
        long start = System.nanoTime();
        try {
            InetAddress loopback = InetAddress.getByName("::1");
            for (int i = 0; i < FLOOD_PORTS; i++) {
                DatagramSocket s = new DatagramSocket(new InetSocketAddress(loopback, 0));
                s.setSoTimeout(500);
                sockets.add(s);
            }
            byte[] buffer = new byte[2048];
            for (int round = 0; round < FLOOD_ROUNDS && !deadline.passed(); round++) {
                for (DatagramSocket s : sockets) {
                    s.send(new DatagramPacket(hello, hello.length, target));
                    sent++;
                }
                for (DatagramSocket s : sockets) {
                    DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                    try {
                        s.receive(p);
                    } catch (SocketTimeoutException e) {
                        continue;
                    }
                    if (p.getLength() > 13 && (buffer[0] & 0xff) == CONTENT_HANDSHAKE
                            && (buffer[13] & 0xff) == HELLO_VERIFY_REQUEST) {
                        verifyRequests++;
                    } else if (others.size() < 5) {
                        others.add(HexFormat.of().formatHex(buffer, 0, Math.min(p.getLength(), 32)));
                    }
                }
            }
        } finally {
            sockets.forEach(DatagramSocket::close);
        }
        processes.note(String.format("flood: %d ClientHellos from %d ports, %d HelloVerifyRequests, %d ms", sent,
                FLOOD_PORTS, verifyRequests, Duration.ofNanos(System.nanoTime() - start).toMillis()));
        assertThat(sent).as("ClientHellos sent").isEqualTo(FLOOD_PORTS * FLOOD_ROUNDS);
        assertThat(others).as("answers to the flood other than HelloVerifyRequests").isEmpty();
        assertThat(verifyRequests).as("HelloVerifyRequests for %d ClientHellos", sent)
                .isGreaterThanOrEqualTo(sent * 95 / 100);
        return verifyRequests;
    }

    // ------------------------------------------------------------------ openssl s_client

    /** What one {@code openssl s_client} run printed: the application data, and its handshake states. */
    private record OpensslRun(byte[] answer, String stderr) {
    }

    /**
     * {@code openssl s_client -dtls1_2 -psk KEY -psk_identity mn1@example.com -state -quiet} against
     * the home agent, with one assignment request (no address asked for) on its standard input;
     * reads up to 40 octets of answer within {@code wait}, then ends the client. The key is never
     * printed: the run's transcript names it {@code KEY}.
     */
    private OpensslRun opensslAssignment(Path openssl, String label, String hexKey, int transaction, Duration wait)
            throws Exception {
        List<String> command = List.of(openssl.toString(), "s_client", "-dtls1_2", "-connect",
                "[" + listen.getAddress().getHostAddress() + "]:" + listen.getPort(),
                "-psk_identity", PSK_IDENTITY, "-psk", hexKey, "-cipher", OPENSSL_CIPHER, "-quiet", "-state");
        Path err = work.resolve(label + ".stderr");
        processes.note(label + ": " + String.join(" ", command).replace(hexKey, "KEY"));
        Process client = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectError(err.toFile())
                .start();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try {
            ByteBuffer request = ByteBuffer.allocate(40).put((byte) 0xff).put((byte) 1).put((byte) 1).put((byte) 0)
                    .putInt(transaction);
            try (OutputStream in = client.getOutputStream()) {
                in.write(request.array());
                in.flush();
                // Closing stdin is harmless: -quiet implies -ign_eof, the client stays up.
            }
            InputStream out = client.getInputStream();
            long end = System.nanoTime() + wait.toNanos();
            byte[] chunk = new byte[64];
            while (answer.size() < 40 && System.nanoTime() < end && client.isAlive()) {
                if (out.available() > 0) {
                    answer.write(chunk, 0, out.read(chunk, 0, Math.min(chunk.length, 40 - answer.size())));
                } else {
                    Thread.sleep(20);
                }
            }
        } finally {
            client.destroyForcibly();
            client.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        String stderr = DaemonsEndToEndProcesses.read(err);
        processes.note(label + ": " + answer.size() + " octets back"
                + (stderr.contains(OPENSSL_HANDSHAKE_DONE) ? ", handshake complete" : ", no complete handshake"));
        return new OpensslRun(answer.toByteArray(), stderr);
    }

    /** The 40-octet answer (docs/providers/tls-channel.md, "Mode dtls"), field by field. */
    private static void checkAssignmentAnswer(byte[] a, int transaction) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(a);
        String hex = HexFormat.of().formatHex(a);
        assertThat(b.get() & 0xff).as("marker (IANA protocol 255) in %s", hex).isEqualTo(255);
        assertThat(b.get() & 0xff).as("version in %s", hex).isEqualTo(1);
        assertThat(b.get() & 0xff).as("type: 2 answer in %s", hex).isEqualTo(2);
        assertThat(b.get() & 0xff).as("status: 0 assigned in %s", hex).isZero();
        assertThat(b.getInt()).as("transaction ID echoed in %s", hex).isEqualTo(transaction);
        byte[] address = new byte[16];
        b.get(address);
        assertThat(InetAddress.getByAddress(address)).as("home address in %s", hex)
                .isEqualTo(InetAddress.getByName(HOME_ADDRESS));
        b.get(address);
        assertThat(InetAddress.getByAddress(address)).as("home agent address in %s", hex)
                .isEqualTo(InetAddress.getByName(HOME_AGENT));
    }

    // ------------------------------------------------------------------ the capture

    /** One DTLS datagram of the capture, as {@code tshark -T fields} gives it. */
    private record Frame(int number, double time, int sourcePort, int destinationPort, List<Integer> contentTypes,
            List<Integer> handshakeTypes, List<String> versions, boolean malformed) {

        boolean fromHomeAgent(int port) {
            return sourcePort == port;
        }

        boolean handshake() {
            return contentTypes.contains(CONTENT_HANDSHAKE);
        }
    }

    /**
     * {@code tshark -r ha.pcap -d udp.port==54191,dtls}: DTLS 1.2 both ways (a handshake, then
     * application data to the node and {@code tls12_cid} records from it), nothing malformed, no
     * handshake while the node moved, one after its restart, and {@code -Y mipv6} (Wireshark's
     * Mobile IPv6 protocol) matches nothing: no Mobility Header in clear.
     */
    private void checkCapture(Path tshark, int port, double moveStart, double moveEnd, double restart)
            throws Exception {
        String decodeAs = "udp.port==" + port + ",dtls";
        Result clear = processes.run("tshark-mipv6", COMMAND_LIMIT,
                List.of(tshark.toString(), "-r", "ha.pcap", "-d", decodeAs, "-Y", "mipv6"));
        assertThat(clear.exitCode()).as("%s", clear).isZero();
        assertThat(clear.out()).as("Mobility Headers dissected in clear").isEmpty();

        Result fields = processes.run("tshark-dtls", COMMAND_LIMIT, List.of(tshark.toString(), "-r", "ha.pcap",
                "-d", decodeAs, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,",
                "-e", "frame.number", "-e", "frame.time_epoch", "-e", "udp.srcport", "-e", "udp.dstport",
                "-e", "dtls.record.content_type", "-e", "dtls.record.special_type", "-e", "dtls.handshake.type",
                "-e", "dtls.record.version", "-e", "_ws.malformed", "-e", "_ws.expert.severity"));
        assertThat(fields.exitCode()).as("tshark's exit status; stderr:%n%s", fields.err()).isZero();
        List<Frame> frames = fields.out().lines().filter(l -> !l.isBlank()).map(TlsChannelDtlsDaemonsEndToEndTest::frame)
                .toList();
        assertThat(frames).as("datagrams in ha.pcap").isNotEmpty();
        assertThat(frames).as("every datagram to or from the DTLS port")
                .allSatisfy(f -> assertThat(f.sourcePort() == port || f.destinationPort() == port).isTrue());
        assertThat(frames.stream().filter(Frame::malformed).map(Frame::number)).as("malformed frames").isEmpty();
        assertThat(frames).as("every datagram one or more DTLS records")
                .allSatisfy(f -> assertThat(f.contentTypes()).isNotEmpty());

        List<Frame> toNodes = frames.stream().filter(f -> f.fromHomeAgent(port)).toList();
        List<Frame> fromNodes = frames.stream().filter(f -> !f.fromHomeAgent(port)).toList();
        assertThat(toNodes).as("ServerHellos").anySatisfy(f -> assertThat(f.handshakeTypes()).contains(SERVER_HELLO));
        assertThat(toNodes).as("HelloVerifyRequests")
                .anySatisfy(f -> assertThat(f.handshakeTypes()).contains(HELLO_VERIFY_REQUEST));
        assertThat(toNodes).as("application data to the nodes")
                .anySatisfy(f -> assertThat(f.contentTypes()).contains(CONTENT_APPLICATION_DATA));
        assertThat(fromNodes).as("ClientHellos")
                .anySatisfy(f -> assertThat(f.handshakeTypes()).contains(CLIENT_HELLO));
        assertThat(fromNodes).as("tls12_cid records from the node (RFC 9146)")
                .anySatisfy(f -> assertThat(f.contentTypes()).contains(CONTENT_TLS12_CID));
        assertThat(frames.stream().filter(f -> f.handshakeTypes().contains(SERVER_HELLO)))
                .as("ServerHellos are DTLS 1.2").allSatisfy(f -> assertThat(f.versions()).contains("0xfefd"));

        List<Frame> duringMoves = frames.stream().filter(f -> f.time() >= moveStart && f.time() <= moveEnd).toList();
        assertThat(duringMoves.stream().filter(Frame::handshake).map(Frame::number))
                .as("handshake records while the node moved twice").isEmpty();
        assertThat(duringMoves.stream().filter(f -> !f.fromHomeAgent(port)
                && f.contentTypes().contains(CONTENT_TLS12_CID)).count())
                .as("the moves' Binding Updates, in tls12_cid records").isGreaterThanOrEqualTo(2);
        assertThat(duringMoves.stream().filter(f -> f.fromHomeAgent(port)
                && f.contentTypes().contains(CONTENT_APPLICATION_DATA)).count())
                .as("the moves' Binding Acknowledgements").isGreaterThanOrEqualTo(2);
        assertThat(frames.stream().filter(f -> f.time() >= restart && f.fromHomeAgent(port)
                && f.handshakeTypes().contains(SERVER_HELLO)).count())
                .as("the restarted node's handshake").isGreaterThanOrEqualTo(1);
        processes.note(String.format("ha.pcap: %d datagrams, %d during the moves", frames.size(), duringMoves.size()));
    }

    private static Frame frame(String line) {
        String[] f = line.split("\t", -1);
        if (f.length < 10) {
            throw new AssertionError("tshark fields line: " + line);
        }
        List<Integer> content = new ArrayList<>(ints(f[4]));
        content.addAll(ints(f[5]));
        return new Frame(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Integer.parseInt(f[2]),
                Integer.parseInt(f[3]), content, ints(f[6]), f[7].isEmpty() ? List.of() : List.of(f[7].split(",")),
                !f[8].isEmpty() || f[9].split(",").length > 0 && Arrays.stream(f[9].split(","))
                        .filter(s -> !s.isEmpty()).anyMatch(s -> Long.decode(s) >= DaemonsEndToEndTshark.PI_WARN));
    }

    private static List<Integer> ints(String field) {
        return field.isEmpty() ? List.of() : Arrays.stream(field.split(",")).map(Integer::decode).toList();
    }

    // ------------------------------------------------------------------ admin

    private JsonNode bindingsNow() throws Exception {
        Result r = processes.run("ha-bindings", deadline.cap(COMMAND_LIMIT),
                List.of(launcher, "ha", "bindings", "--config", HA_CONFIG, "--json"));
        assertThat(r.exitCode()).as("%s", r).isZero();
        return JSON.readTree(r.out());
    }

    private JsonNode mnStatus() throws Exception {
        Result r = processes.run("mn-status", deadline.cap(COMMAND_LIMIT),
                List.of(launcher, "mn", "status", "--config", MN_CONFIG, "--json"));
        assertThat(r.exitCode()).as("%s", r).isZero();
        return JSON.readTree(r.out());
    }

    /**
     * The provider's per-node state in the home agent's admin {@code status} (there is no
     * {@code ha status} command): for tls-channel dtls, the DTLS server's associations,
     * handshaking or established.
     */
    private int perNodeState() throws Exception {
        JsonNode status = AdminClient.send(haSocket, "status", COMMAND_LIMIT);
        JsonNode count = status.findValue("perNodeState");
        if (count == null || !count.isInt()) {
            fail("no provider.perNodeState in the home agent's status: " + status);
        }
        processes.note("ha status: perNodeState " + count.asInt());
        return count.asInt();
    }

    /**
     * The DTLS server's counters in the home agent's admin {@code status} ({@code provider.counters}:
     * {@code cookies-sent}, {@code handshakes-started}, {@code handshakes-completed},
     * {@code peer-address-changes}, ...), when the daemon publishes them
     * ({@code HomeAgentSecurity.counters()}); empty with a daemon that does not, and the checks
     * that need them are then left to the other observables (noted in the timeline).
     */
    private Optional<JsonNode> providerCounters() throws Exception {
        JsonNode counters = AdminClient.send(haSocket, "status", COMMAND_LIMIT).path("provider").path("counters");
        if (!counters.has("handshakes-started")) {
            processes.note("ha status: no provider.counters for the DTLS server in this build");
            return Optional.empty();
        }
        processes.note("ha status: provider.counters " + counters);
        return Optional.of(counters);
    }

    private static long delta(Optional<JsonNode> before, Optional<JsonNode> after, String counter) {
        JsonNode b = before.orElseThrow().path(counter);
        JsonNode a = after.orElseThrow().path(counter);
        if (!a.isNumber() || !b.isNumber()) {
            fail("no provider counter " + counter + " in " + after.orElseThrow());
        }
        return a.asLong() - b.asLong();
    }

    private JsonNode awaitBindings(String what, Predicate<JsonNode> until, Process... alive) throws Exception {
        String last = "(none yet)";
        while (!deadline.passed()) {
            for (Process p : alive) {
                if (!p.isAlive()) {
                    fail("waiting until " + what + ": process " + p.pid() + " exited with " + p.exitValue());
                }
            }
            Result r = processes.run("ha-bindings", deadline.cap(COMMAND_LIMIT),
                    List.of(launcher, "ha", "bindings", "--config", HA_CONFIG, "--json"));
            if (r.exitCode() == 0) {
                JsonNode answer = JSON.readTree(r.out());
                if (until.test(answer)) {
                    return answer;
                }
                last = r.out();
            } else {
                last = r.toString();
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
        throw new AssertionError("not within " + SCENARIO_LIMIT + ": " + what + "; last `ha bindings`: " + last);
    }

    private static Optional<JsonNode> binding(JsonNode answer) {
        for (JsonNode b : answer.path("bindings")) {
            if (b.path("homeAddress").asText().equals(HOME_ADDRESS)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------ set-up

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    private static double epochSeconds() {
        return System.currentTimeMillis() / 1000.0;
    }

    /** {@code "[IPv6]:port"} or {@code "IPv4:port"}, address literals only, as the provider reads it. */
    private static InetSocketAddress endpoint(String text) throws IOException {
        int colon = text.lastIndexOf(':');
        String host = text.substring(0, colon).replace("[", "").replace("]", "");
        return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(text.substring(colon + 1)));
    }

    /** The example's DTLS endpoint must be free: the test does not change the user's configuration. */
    private static void requireFree(InetSocketAddress udp) {
        try (DatagramSocket probe = new DatagramSocket(udp)) {
            probe.close();
        } catch (SocketException e) {
            fail("UDP " + DaemonSettings.describe(udp) + " (security.tls-channel.listen of " + HA_CONFIG
                    + ") is not free: " + e.getMessage() + "; find who holds it with `ss -uanp 'sport = :"
                    + udp.getPort() + "'`");
        }
    }

    /**
     * The shell command {@code ha-dtls.yaml}'s comments give for creating the PSK: the indented
     * comment lines after the sentence that says "create it once", joined with newlines.
     */
    static String pskCommand(Path haYaml) throws IOException {
        List<String> command = new ArrayList<>();
        boolean announced = false;
        for (String line : Files.readAllLines(haYaml, StandardCharsets.UTF_8)) {
            String stripped = line.strip();
            if (!announced) {
                announced = stripped.startsWith("#") && stripped.toLowerCase().contains("create it once");
                continue;
            }
            boolean commandLine = stripped.startsWith("#") && stripped.substring(1).startsWith("  ");
            if (!commandLine) {
                if (!command.isEmpty() || !stripped.startsWith("#")) {
                    break;
                }
                continue;   // the rest of the sentence before the command
            }
            command.add(stripped.substring(1).strip());
        }
        if (command.isEmpty()) {
            fail(haYaml + ": no PSK command (indented comment lines after \"Create it once\")");
        }
        return String.join("\n", command);
    }
}
