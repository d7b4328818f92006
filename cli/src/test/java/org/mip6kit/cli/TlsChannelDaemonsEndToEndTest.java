package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.cli.DaemonsEndToEndProcesses.Deadline;
import org.mip6kit.cli.DaemonsEndToEndProcesses.Result;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.ha.HomeAgentConfig;
import org.mip6kit.mn.MobileNodeConfig;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.testing.HostRequirements;

/**
 * The reference daemons with the {@code tls-channel} provider in mode {@code rfc6618}, as
 * separate processes run from the shipped examples ({@code docs/examples/ha-rfc6618.yaml},
 * {@code mn-rfc6618.yaml}, copied unchanged into a directory that mirrors the repository), the
 * credentials made with exactly the openssl commands written in {@code ha-rfc6618.yaml}'s
 * comments — and looked at from outside the way a tester and an attacker would:
 *
 * <ul>
 *   <li>{@code openssl s_client} against the running Home Agent Controller: TLS 1.2 with the
 *       configured chain and a verifiable name; TLS 1.3 only is refused; another name fails
 *       verification;</li>
 *   <li>a forged-datagram flood against the RFC 6618 UDP port (random type-8 packets with random
 *       SPIs; the captured real datagrams replayed verbatim and with one octet flipped) changes no
 *       binding, reaches no engine, and the home agent keeps serving;</li>
 *   <li>a mobile node killed with SIGKILL bootstraps anew (a new SPI) when started again;</li>
 *   <li>the home agent's {@code --pcap} read by tshark: UDP 7872 both ways, no Mobility Header in
 *       clear.</li>
 * </ul>
 *
 * <p>The example configuration uses TCP {@code [::1]:6618} and UDP {@code [::1]:7872}; the test
 * never edits it, so those ports must be free (it fails and says who to look for if not).
 */
@Tag("large")
class TlsChannelDaemonsEndToEndTest {

    /** Generous: every {@code ./mip6kit} command is a JVM start, seconds each on a busy 2-core machine. */
    private static final Duration SCENARIO_LIMIT = Duration.ofSeconds(300);
    private static final Duration BUILD_LIMIT = Duration.ofSeconds(300);
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(60);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(15);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private static final String HA_CONFIG = "docs/examples/ha-rfc6618.yaml";
    private static final String MN_CONFIG = "docs/examples/mn-rfc6618.yaml";
    private static final String PROVIDER = "tls-channel";
    private static final String HOME_ADDRESS = "2001:db8:1::100";
    private static final String FIRST_CARE_OF = "2001:db8:2::100";
    private static final String IPV4_CARE_OF = "192.0.2.10";
    private static final String IPV4_CARE_OF_MAPPED = "::ffff:192.0.2.10";
    private static final String LAST_CARE_OF = "2001:db8:2::200";
    private static final String IDENTITY = "nai:mn1@example.com";
    private static final String HAC_NAME = "hac.example.net";
    private static final String CA_NAME = "mip6kit example CA";
    /** RFC 6618 §6: the first 4 bits of every datagram; 8 = a Mobility Header, 0 = plaintext. */
    private static final int PTYPE_MOBILITY_HEADER = 8;
    private static final int PTYPE_PLAINTEXT = 0;
    /** Forged datagrams of each of the three kinds. */
    private static final int FLOOD_EACH = 1000;
    private static final Pattern PROVISIONED = Pattern.compile(
            "provider-event identity=" + Pattern.quote(IDENTITY) + " hoa=" + Pattern.quote(HOME_ADDRESS)
                    + " .*rfc6618-provisioned: spi=(\\d+) suite=(\\S+)");
    private static final Pattern STOPPED = Pattern.compile(
            "stopped: (\\d+) Binding Updates received, (\\d+) accepted, (\\d+) refused, (\\d+) rejected, "
                    + "(\\d+) dropped, (\\d+) malformed");

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    private String launcher;
    private Deadline deadline;
    private DaemonsEndToEndProcesses processes;
    private Path haSocket;

    @Test
    void rfc6618ExampleDaemonsSurviveTlsProbesForgedFloodAndMobileNodeCrashWithNothingInClear() throws Exception {
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

        Path examples = Files.createDirectories(work.resolve("docs/examples"));
        Path haYaml = Files.copy(root.resolve(HA_CONFIG), examples.resolve("ha-rfc6618.yaml"));
        Path mnYaml = Files.copy(root.resolve(MN_CONFIG), examples.resolve("mn-rfc6618.yaml"));
        HomeAgentConfig haConfig = HomeAgentConfig.load(haYaml);
        MobileNodeConfig mnConfig = MobileNodeConfig.load(mnYaml);
        ConfigSection haTls = haConfig.root().section("security").section(PROVIDER);
        ConfigSection mnTls = mnConfig.root().section("security").section(PROVIDER);
        InetSocketAddress hac = endpoint(haTls.string("hac-listen"));
        InetSocketAddress udp = endpoint(haTls.string("udp-listen"));
        assertThat(endpoint(mnTls.string("hac"))).as("mn-rfc6618.yaml's hac is the home agent's HAC").isEqualTo(hac);
        haSocket = haConfig.daemon().adminSocket();
        Path mnSocket = mnConfig.daemon().adminSocket();
        requireFree(hac, udp);

        // The credentials, with exactly the commands ha-rfc6618.yaml's comments give.
        String credentials = credentialCommand(haYaml);
        // in the file's directory, as its comments say
        Result made = processes.run("create-credentials", COMMAND_LIMIT,
                List.of("sh", "-c", "cd '" + haYaml.getParent() + "' && " + credentials));
        assertThat(made.exitCode()).as("%s", made).isZero();
        Path caPem = mnTls.path("trust-anchors");
        for (Path secret : List.of(haTls.path("private-key"), haTls.path("psk-table"), mnTls.path("psk-file"))) {
            assertThat(secret).as("written by %s", credentials).isRegularFile();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)))
                    .as("%s is private", secret).isEqualTo("rw-------");
        }
        String ca = work.relativize(caPem).toString();

        Result version = processes.run("launcher-build", BUILD_LIMIT, List.of(launcher, "--version"));
        assertThat(version.exitCode()).as("the launcher builds and runs; %s", version).isZero();

        deadline = Deadline.in(SCENARIO_LIMIT);

        // Terminal 1: the home agent; terminal 2: the mobile node, which bootstraps with the HAC.
        Process ha = processes.startDaemon("ha",
                List.of(launcher, "ha", "run", "--config", HA_CONFIG, "--pcap", "ha.pcap"));
        JsonNode empty = awaitBindings("the home agent answers `ha bindings`", answer -> true, ha);
        assertThat(empty.path("count").asInt()).as("%s", empty).isZero();
        Process mn = processes.startDaemon("mn", List.of(launcher, "mn", "run", "--config", MN_CONFIG));
        JsonNode first = binding(awaitBindings("the home agent lists " + HOME_ADDRESS,
                answer -> binding(answer).isPresent(), ha, mn)).orElseThrow();
        assertThat(first.path("careOfAddress").asText()).isEqualTo(FIRST_CARE_OF);
        assertThat(first.path("identity").asText()).isEqualTo(IDENTITY);
        assertThat(first.path("provider").asText()).isEqualTo(PROVIDER);
        JsonNode status = mnStatus();
        assertThat(status.path("registered").asBoolean()).as("%s", status).isTrue();
        assertThat(status.path("homeAddress").asText()).as("assigned by the HAC: %s", status).isEqualTo(HOME_ADDRESS);
        List<Long> spis = provisionedSpis();
        assertThat(spis).as("one rfc6618-provisioned line in the home agent's log").hasSize(1);

        // The HAC seen by openssl: TLS 1.2, the configured chain, a name that verifies.
        Result tls12 = sClient(openssl, hac, ca, HAC_NAME, "-tls1_2", "-showcerts");
        assertThat(tls12.out()).as("%s", tls12)
                .containsPattern("(?m)^ 0 s: ?CN ?= ?" + Pattern.quote(HAC_NAME) + "$")
                .containsPattern("(?m)^ {3}i: ?CN ?= ?" + Pattern.quote(CA_NAME) + "$")
                .containsPattern("(?m)^subject= ?CN ?= ?" + Pattern.quote(HAC_NAME) + "$")
                .containsPattern("(?m)^issuer= ?CN ?= ?" + Pattern.quote(CA_NAME) + "$")
                .containsPattern("(?m)^ +Protocol +: TLSv1\\.2$")
                .containsPattern("(?m)^ +Verify return code: 0 \\(ok\\)$");
        assertThat(tls12.exitCode()).as("%s", tls12).isZero();
        Result tls13 = sClient(openssl, hac, ca, HAC_NAME, "-tls1_3");
        assertThat(tls13.exitCode()).as("TLS 1.3 only is refused: %s", tls13).isNotZero();
        assertThat(tls13.out() + tls13.err()).as("%s", tls13)
                .doesNotContainPattern("(?m)^ +Protocol +: TLSv1\\.3$")
                .containsPattern("(?i)alert protocol version|no protocols available|handshake failure");
        Result otherName = sClient(openssl, hac, ca, "other.example.net", "-tls1_2");
        assertThat(otherName.out() + otherName.err()).as("%s", otherName)
                .contains("hostname mismatch")
                .doesNotContainPattern("(?m)^ +Verify return code: 0 \\(ok\\)$");
        assertThat(mn.isAlive() && ha.isAlive()).as("both daemons survive the probes").isTrue();

        // Move to an IPv4 care-of address (RFC 5555 inside the RFC 6618 channel).
        move(IPV4_CARE_OF);
        JsonNode moved = binding(awaitBindings("the binding follows to " + IPV4_CARE_OF_MAPPED,
                answer -> careOf(answer).equals(IPV4_CARE_OF_MAPPED), ha, mn)).orElseThrow();

        // The attacker: a few thousand forged datagrams against the RFC 6618 UDP port.
        List<byte[]> captured = capturedDatagrams(tshark, udp.getPort());
        assertThat(captured).as("real datagrams in ha.pcap so far (registration and move, both ways)")
                .hasSizeGreaterThanOrEqualTo(4);
        // The provider drops forged packets before the engine and counts them by reason (the admin
        // status's provider.counters); the engine's counters do not move.
        ObjectNode before = haStatus();
        Flood flood = flood(udp, captured);
        Thread.sleep(500);   // let the home agent read what is queued
        ObjectNode after = haStatus();
        JsonNode unchanged = binding(bindingsOnce()).orElseThrow();
        assertThat(unchanged.path("sequence").asInt()).as("no forged packet moved the sequence: %s", unchanged)
                .isEqualTo(moved.path("sequence").asInt());
        assertThat(unchanged.path("careOfAddress").asText()).isEqualTo(IPV4_CARE_OF_MAPPED);
        assertThat(after.path("counters").path("received").asLong())
                .as("no forged packet reached the engine (status before %s, after %s)", before, after)
                .isEqualTo(before.path("counters").path("received").asLong());
        assertThat(after.path("bindings").asInt()).isEqualTo(1);
        assertThat(flood.protectedAnswers()).as("answers under an association to the attacker").isZero();
        assertThat(flood.plaintextAnswers())
                .as("unknown SPIs are answered with an unprotected 176, rate-limited (%d answers in %d ms)",
                        flood.plaintextAnswers(), flood.took().toMillis())
                .isPositive()
                .isLessThanOrEqualTo((int) (10 + 10 * (flood.took().toMillis() / 1000 + 1)));
        processes.note("flood: " + flood);
        JsonNode pcBefore = before.path("provider").path("counters");
        JsonNode pcAfter = after.path("provider").path("counters");
        long unknownSpi = pcAfter.path("dropped-unknown-spi").asLong() - pcBefore.path("dropped-unknown-spi").asLong();
        long failed = pcAfter.path("dropped-failed-verification").asLong()
                - pcBefore.path("dropped-failed-verification").asLong();
        long other = pcAfter.path("dropped-not-protected-mobility-header").asLong()
                - pcBefore.path("dropped-not-protected-mobility-header").asLong();
        assertThat(unknownSpi).as("random SPIs counted as unknown (provider counters %s -> %s)", pcBefore, pcAfter)
                .isPositive();
        assertThat(failed).as("replayed and altered datagrams counted as failing verification").isPositive();
        assertThat(unknownSpi + failed + other).as("drops counted, at most one per datagram sent")
                .isLessThanOrEqualTo(3L * FLOOD_EACH);
        assertThat(pcAfter.path("unknown-spi-answers").asLong() - pcBefore.path("unknown-spi-answers").asLong())
                .as("unprotected 176 answers counted").isGreaterThanOrEqualTo(flood.plaintextAnswers());

        // The home agent keeps serving: the next move is acknowledged and the binding follows.
        move(LAST_CARE_OF);
        JsonNode served = binding(awaitBindings("the binding follows to " + LAST_CARE_OF,
                answer -> careOf(answer).equals(LAST_CARE_OF), ha, mn)).orElseThrow();
        assertThat(served.path("sequence").asInt()).isNotEqualTo(moved.path("sequence").asInt());

        // kill -9 the mobile node and start it again: it bootstraps anew (a new SPI) and registers.
        mn.destroyForcibly();
        assertThat(mn.waitFor(STOP_LIMIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isTrue();
        processes.note("SIGKILL to mn, exit " + mn.exitValue());
        Process mn2 = processes.startDaemon("mn2", List.of(launcher, "mn", "run", "--config", MN_CONFIG));
        awaitBindings("the restarted node registers from " + FIRST_CARE_OF + " under a second association",
                answer -> careOf(answer).equals(FIRST_CARE_OF) && provisionedSpis().size() == 2, ha, mn2);
        List<Long> twoSpis = provisionedSpis();
        assertThat(twoSpis.get(1)).as("a new SPI after the restart: %s", twoSpis).isNotEqualTo(twoSpis.get(0));
        assertThat(mnStatus().path("registered").asBoolean()).isTrue();
        // The first association went with the new one: one per node, and its packets replayed now
        // (under an SPI nobody knows any more) change nothing either.
        JsonNode reRegistered = binding(bindingsOnce()).orElseThrow();
        ObjectNode beforeReplay = haStatus();
        assertThat(beforeReplay.path("provider").path("perNodeState").asInt())
                .as("associations kept after the re-bootstrap: %s", beforeReplay).isEqualTo(1);
        Flood stale = flood(udp, captured);
        processes.note("replay of the first association's packets: " + stale);
        assertThat(stale.protectedAnswers()).isZero();
        JsonNode afterReplay = binding(bindingsOnce()).orElseThrow();
        assertThat(afterReplay.path("sequence").asInt()).isEqualTo(reRegistered.path("sequence").asInt());
        assertThat(afterReplay.path("careOfAddress").asText()).isEqualTo(FIRST_CARE_OF);
        assertThat(haStatus().path("counters").path("received").asLong())
                .isEqualTo(beforeReplay.path("counters").path("received").asLong());

        // Ctrl-C the node (deregisters), then the home agent (clean stop line).
        assertThat(processes.terminate("mn2", mn2, deadline.cap(STOP_LIMIT))).isTrue();
        assertThat(mn2.exitValue()).as("the mobile node's exit status after SIGTERM").isZero();
        assertThat(Files.exists(mnSocket, LinkOption.NOFOLLOW_LINKS)).as("%s removed", mnSocket).isFalse();
        assertThat(processes.stderrOf("mn2"))
                .contains("deregistered identity=" + IDENTITY + " hoa=" + HOME_ADDRESS + " coa=" + FIRST_CARE_OF);
        JsonNode left = bindingsOnce();
        assertThat(binding(left)).as("no binding once the node has exited: %s", left).isEmpty();
        assertThat(processes.stderrOf("ha")).contains("binding-deleted identity=" + IDENTITY + " hoa=" + HOME_ADDRESS);
        assertThat(processes.terminate("ha", ha, deadline.cap(STOP_LIMIT))).isTrue();
        assertThat(ha.exitValue()).as("the home agent's exit status after SIGTERM").isZero();
        assertThat(Files.exists(haSocket, LinkOption.NOFOLLOW_LINKS)).as("%s removed", haSocket).isFalse();
        Matcher stop = STOPPED.matcher(processes.stderrOf("ha"));
        assertThat(stop.find()).as("the home agent's stop line").isTrue();
        assertThat(Long.parseLong(stop.group(1))).as("Binding Updates that reached the engine: registration, "
                + "two moves, re-registration, deregistration (retransmissions aside); the flood not among them")
                .isBetween(5L, 5L + 10);
        assertThat(Long.parseLong(stop.group(6))).as("malformed").isZero();
        for (String log : List.of(processes.stderrOf("ha"), processes.stderrOf("mn"), processes.stderrOf("mn2"))) {
            assertNoSecret(log, mnTls.path("psk-file"));
        }

        checkCapture(tshark, udp.getPort(), twoSpis);
        assertThat(deadline.passed()).as("the scenario took longer than %s", SCENARIO_LIMIT).isFalse();
        System.out.printf("TlsChannelDaemonsEndToEndTest: scenario %d ms%n%s%n",
                SCENARIO_LIMIT.minus(deadline.remaining()).toMillis(), processes.timeline());
    }

    // ------------------------------------------------------------------ the attacker

    /** What the flood sent and what came back to the attacker's socket. */
    record Flood(int sent, int plaintextAnswers, int protectedAnswers, int otherAnswers, Duration took) {
    }

    /**
     * {@value #FLOOD_EACH} datagrams of each kind from one socket: random type-8 packets with random
     * SPIs and lengths; the captured datagrams replayed verbatim; and with one random octet flipped.
     */
    private Flood flood(InetSocketAddress udp, List<byte[]> captured) throws IOException, InterruptedException {
        SecureRandom random = new SecureRandom();
        List<byte[]> forged = new ArrayList<>();
        for (int i = 0; i < FLOOD_EACH; i++) {
            byte[] p = new byte[8 + random.nextInt(193)];
            random.nextBytes(p);
            p[0] = (byte) (PTYPE_MOBILITY_HEADER << 4 | p[0] & 0x0f);
            forged.add(p);
        }
        for (int i = 0; i < FLOOD_EACH; i++) {
            forged.add(captured.get(i % captured.size()).clone());
        }
        for (int i = 0; i < FLOOD_EACH; i++) {
            byte[] p = captured.get(random.nextInt(captured.size())).clone();
            p[random.nextInt(p.length)] ^= (byte) (1 + random.nextInt(255));
            forged.add(p);
        }
        java.util.Collections.shuffle(forged, random);
        int plaintext = 0;
        int sealed = 0;
        int other = 0;
        long start = System.nanoTime();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(udp.getAddress(), 0))) {
            socket.setSoTimeout(1);
            byte[] buffer = new byte[2048];
            for (int i = 0; i < forged.size(); i++) {
                socket.send(new DatagramPacket(forged.get(i), forged.get(i).length, udp));
                if (i % 50 == 49) {
                    Thread.sleep(5);   // loopback, but not faster than the home agent reads
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            socket.setSoTimeout(300);
            while (true) {
                DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(answer);
                } catch (SocketTimeoutException e) {
                    break;
                }
                int ptype = (buffer[0] & 0xff) >>> 4;
                if (ptype == PTYPE_PLAINTEXT) {
                    plaintext++;
                } else if (ptype == PTYPE_MOBILITY_HEADER) {
                    sealed++;
                } else {
                    other++;
                }
            }
            return new Flood(forged.size(), plaintext, sealed, other, took);
        }
    }

    /** The UDP payloads to or from {@code port} in the running home agent's pcap, via tshark. */
    private List<byte[]> capturedDatagrams(Path tshark, int port) throws Exception {
        Result r = processes.run("tshark-payloads", deadline.cap(COMMAND_LIMIT), List.of(tshark.toString(), "-r",
                "ha.pcap", "-Y", "udp.port==" + port, "-T", "fields", "-e", "udp.payload"));
        assertThat(r.exitCode()).as("%s", r).isZero();
        List<byte[]> payloads = new ArrayList<>();
        for (String line : r.out().lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
            payloads.add(HexFormat.of().parseHex(line.replace(":", "")));
        }
        return payloads;
    }

    // ------------------------------------------------------------------ the capture

    /**
     * The home agent's pcap: UDP datagrams on the RFC 6618 port in both directions, each of type 8
     * under one of the provisioned SPIs (or type 0 answers to the attacker), with the length of an
     * AES-128-CBC/HMAC-SHA1-96 packet; and tshark finds no Mobility Header in any of them.
     */
    private void checkCapture(Path tshark, int port, List<Long> spis) throws Exception {
        Result clear = processes.run("tshark-mipv6", deadline.cap(COMMAND_LIMIT),
                List.of(tshark.toString(), "-r", "ha.pcap", "-Y", "mipv6"));
        assertThat(clear.exitCode()).as("%s", clear).isZero();
        assertThat(clear.out().strip()).as("Mobility Headers tshark sees in clear").isEmpty();
        Result fields = processes.run("tshark-7872", deadline.cap(COMMAND_LIMIT), List.of(tshark.toString(), "-r",
                "ha.pcap", "-Y", "udp.port==" + port, "-T", "fields", "-e", "udp.srcport", "-e", "udp.dstport",
                "-e", "udp.payload"));
        assertThat(fields.exitCode()).as("%s", fields).isZero();
        int toHa = 0;
        int fromHa = 0;
        for (String line : fields.out().lines().filter(l -> !l.isBlank()).toList()) {
            String[] f = line.split("\t");
            byte[] p = HexFormat.of().parseHex(f[2].replace(":", ""));
            int ptype = (p[0] & 0xff) >>> 4;
            long spi = ((p[0] & 0x0fL) << 24) | ((p[1] & 0xffL) << 16) | ((p[2] & 0xffL) << 8) | (p[3] & 0xffL);
            boolean ours = ptype == PTYPE_MOBILITY_HEADER && spis.contains(spi);
            if (Integer.parseInt(f[1]) == port) {
                toHa += ours ? 1 : 0;   // the flood is captured too; count the real ones
            } else {
                assertThat(ptype == PTYPE_PLAINTEXT || ours)
                        .as("a datagram the home agent sent is type 8 under a provisioned SPI %s, or a plaintext 176: %s",
                                spis, line).isTrue();
                if (ours) {
                    fromHa++;
                    // SPI+sequence 8, IV 16, ciphertext a multiple of 16, ICV 12 (AES_128_CBC_SHA).
                    assertThat((p.length - 8 - 16 - 12) % 16).as("AES-CBC layout of %s", line).isZero();
                    assertThat(p.length).isGreaterThanOrEqualTo(8 + 16 + 16 + 12);
                }
            }
        }
        assertThat(toHa).as("protected datagrams to UDP %d", port).isGreaterThanOrEqualTo(5);
        assertThat(fromHa).as("protected datagrams from UDP %d", port).isGreaterThanOrEqualTo(5);
    }

    // ------------------------------------------------------------------ commands

    private Result sClient(Path openssl, InetSocketAddress hac, String ca, String name, String... extra)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(openssl.toString(), "s_client", "-connect",
                "[" + hac.getAddress().getHostAddress() + "]:" + hac.getPort()));
        command.addAll(List.of(extra));
        command.addAll(List.of("-CAfile", ca, "-verify_hostname", name));
        return processes.run("s_client" + String.join("", extra), deadline.cap(COMMAND_LIMIT), command);
    }

    private void move(String careOf) throws IOException, InterruptedException {
        Result move = processes.run("mn-move", deadline.cap(COMMAND_LIMIT),
                List.of(launcher, "mn", "move", "--config", MN_CONFIG, "--coa", careOf));
        assertThat(move.exitCode()).as("%s", move).isZero();
    }

    private JsonNode mnStatus() throws IOException, InterruptedException {
        Result r = processes.run("mn-status", deadline.cap(COMMAND_LIMIT),
                List.of(launcher, "mn", "status", "--config", MN_CONFIG, "--json"));
        assertThat(r.exitCode()).as("%s", r).isZero();
        return JSON.readTree(r.out());
    }

    /** The home agent's admin {@code status} answer (there is no {@code ha status} command). */
    private ObjectNode haStatus() throws Exception {
        ObjectNode answer = AdminClient.send(haSocket, "status", COMMAND_LIMIT);
        processes.note("ha status: " + answer.path("counters"));
        return answer;
    }

    private JsonNode bindingsOnce() throws IOException, InterruptedException {
        Result r = processes.run("ha-bindings", deadline.cap(COMMAND_LIMIT),
                List.of(launcher, "ha", "bindings", "--config", HA_CONFIG, "--json"));
        assertThat(r.exitCode()).as("%s", r).isZero();
        return JSON.readTree(r.out());
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

    private static String careOf(JsonNode answer) {
        return binding(answer).map(b -> b.path("careOfAddress").asText()).orElse("");
    }

    /** The SPIs of the home agent's {@code rfc6618-provisioned} lines, in order. */
    private List<Long> provisionedSpis() {
        Matcher m = PROVISIONED.matcher(processes.stderrOf("ha"));
        List<Long> spis = new ArrayList<>();
        while (m.find()) {
            spis.add(Long.parseLong(m.group(1)));
        }
        return spis;
    }

    /** The pre-shared key (hex, as written in the node's key file) appears in no log. */
    private static void assertNoSecret(String log, Path pskFile) throws IOException {
        String key = Files.readString(pskFile).strip();
        assertThat(key).hasSizeGreaterThanOrEqualTo(32);
        assertThat(log.toLowerCase()).as("a log holds the pre-shared key").doesNotContain(key.toLowerCase());
    }

    /** {@code "[::1]:6618"} → the endpoint. */
    static InetSocketAddress endpoint(String text) {
        Matcher m = Pattern.compile("\\[([0-9a-fA-F:.]+)]:(\\d+)").matcher(text);
        if (!m.matches()) {
            throw new AssertionError("not [address]:port: " + text);
        }
        return new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2)));
    }

    /** The example's endpoints must be free: the test does not change the user's configuration. */
    private static void requireFree(InetSocketAddress tcp, InetSocketAddress udp) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(tcp);
        } catch (IOException e) {
            fail("TCP " + tcp + " (hac-listen of " + HA_CONFIG + ") is not free: " + e.getMessage()
                    + ". The example runs unchanged, so that port must be free: `ss -tlnp 'sport = :"
                    + tcp.getPort() + "'`");
        }
        try (DatagramSocket probe = new DatagramSocket(udp)) {
            probe.close();
        } catch (SocketException e) {
            fail("UDP " + udp + " (udp-listen of " + HA_CONFIG + ") is not free: " + e.getMessage()
                    + ". The example runs unchanged, so that port must be free: `ss -uanp 'sport = :"
                    + udp.getPort() + "'`");
        }
    }

    /**
     * The shell command {@code ha-rfc6618.yaml}'s comments give for the credentials: the indented
     * comment lines after "Create them once", as written (the shell joins them across their
     * trailing {@code &&} and backslashes).
     */
    static String credentialCommand(Path haYaml) throws IOException {
        List<String> command = new ArrayList<>();
        boolean announced = false;
        for (String line : Files.readAllLines(haYaml)) {
            String stripped = line.strip();
            if (!stripped.startsWith("#")) {
                if (!command.isEmpty()) {
                    break;
                }
                continue;
            }
            String text = stripped.substring(1);
            if (!announced) {
                announced = text.contains("Create them once");
                continue;
            }
            if (!text.startsWith("  ")) {
                if (!command.isEmpty()) {
                    break;
                }
                continue;   // the sentence around the command
            }
            command.add(text.strip());
        }
        if (command.isEmpty()) {
            fail(haYaml + ": no credential commands (indented comment lines after \"Create them once\")");
        }
        return String.join("\n", command);
    }
}
