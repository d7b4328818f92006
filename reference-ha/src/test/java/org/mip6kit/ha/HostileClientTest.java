package org.mip6kit.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Stream;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.engine.HomeAgentEngine;
import org.mip6kit.engine.MobileNodeEngine;
import org.mip6kit.engine.MobileNodeSettings;
import org.mip6kit.provider.auth4285.AuthOption4285Provider;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.testing.HostRequirements;
import org.mip6kit.transport.UdpTransport;
import org.mip6kit.wire.Ipv6Address;
import org.slf4j.LoggerFactory;

/**
 * A running home agent ({@link HomeAgentDaemon} in this JVM, {@code auth-option-4285}, RFC 5555
 * UDP on {@code ::1}) under attack by a scapy script ({@code hostile/hostile_client.py}) while a
 * legitimate mobile node ({@link MobileNodeEngine}, same provider, real UDP) stays registered.
 *
 * <p>Each hostile message must get the answer RFC 6275 / RFC 4285 prescribe, as
 * {@code docs/providers/auth-option-4285.md} ("How a home agent judges a Binding Update") reads
 * them: a status in an authenticated Binding Acknowledgement, a Binding Error, or silence. The
 * home agent's counters and log lines show that silence was a decision and not a lost datagram.
 * After every case the binding cache (read through the admin socket) is exactly what it was, and
 * the legitimate node moves successfully (and once more at the end).
 *
 * <p>Keys, SPIs, NAIs and the script's randomness come from one seed, fresh each run and printed;
 * replay a run with {@code -Dhostile.seed=N}. The case table (case → expected → observed) is
 * printed at the end.
 */
@Tag("large")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileClientTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** How long the script listens for an answer before calling it silence. */
    private static final double SILENCE_SECONDS = 2.0;
    private static final Ipv6Address HOME_AGENT = Ipv6Address.parse("2001:db8:1::1");
    private static final Ipv6Address LEGIT_HOME = Ipv6Address.parse("2001:db8:1::100");
    private static final Ipv6Address SCRIPT_HOME = Ipv6Address.parse("2001:db8:1::200");
    private static final String PROVIDER = AuthOption4285Provider.NAME;
    private static final long NTP_TO_UNIX_SECONDS = 2_208_988_800L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<String[]> caseTable = new ArrayList<>();
    private final BlockingQueue<String> scriptLines = new LinkedBlockingQueue<>();

    private Path dir;
    private long seed;
    private String legitNai;
    private String scriptNai;
    private long legitSpi;
    private long scriptSpi;
    private HomeAgentDaemon daemon;
    private ListAppender<ILoggingEvent> haLog;
    private MobileNodeEngine legit;
    private int legitMoves;
    private Process script;
    private Writer scriptIn;
    private Path scriptErr;

    // ------------------------------------------------------------------ the rig

    @BeforeAll
    void startHomeAgentLegitimateNodeAndScript() throws Exception {
        HostRequirements.pythonModule(PYTHON, "scapy", "python3-scapy");
        dir = Files.createTempDirectory("mip6-hostile-");
        seed = Long.getLong("hostile.seed", new SecureRandom().nextLong());
        Random random = new Random(seed);
        legitNai = "legit-" + Long.toHexString(random.nextLong() >>> 16) + "@example.org";
        scriptNai = "script-" + Long.toHexString(random.nextLong() >>> 16) + "@example.org";
        legitSpi = spi(random);
        do {
            scriptSpi = spi(random);
        } while (scriptSpi == legitSpi);
        byte[] legitKey = key(random);
        byte[] scriptKey = key(random);
        long scriptSeed = random.nextLong() & Long.MAX_VALUE;
        String hex = HexFormat.of().formatHex(legitKey);
        String scriptHex = HexFormat.of().formatHex(scriptKey);
        System.out.printf("HostileClientTest seed=%d (replay with -Dhostile.seed=%d)%n"
                        + "  legitimate node: nai=%s spi=%d key=%s home=%s%n"
                        + "  script node:     nai=%s spi=%d key=%s home=%s%n  script seed=%d%n",
                seed, seed, legitNai, legitSpi, hex, LEGIT_HOME, scriptNai, scriptSpi, scriptHex, SCRIPT_HOME,
                scriptSeed);

        privateFile(dir.resolve("ha.keys"), """
                # HostileClientTest key table, seed %d
                # NAI  SPI  algorithm  key
                %s  %d  hmac-sha1  key=%s
                %s  %d  hmac-sha1  key=%s
                """.formatted(seed, legitNai, legitSpi, hex, scriptNai, scriptSpi, scriptHex));
        Path legitKeyFile = privateFile(dir.resolve("legit.key"), hex + "\n");
        Path haYaml = Files.writeString(dir.resolve("ha.yaml"), """
                home-agent:
                  address: %s
                  home-prefixes: [2001:db8:1::/64]
                  max-lifetime: 10m
                  failure-log-lines-per-second: 1000
                  state-log-lines-per-second: 1000
                  shutdown-timeout: 2s
                transport:
                  udp: { bind: "::1", port: 0 }
                admin:
                  socket: ha.sock
                security:
                  provider: %s
                  %s:
                    key-table: ha.keys
                    replay-window: 7s
                    require-replay-protection: true
                """.formatted(HOME_AGENT, PROVIDER, PROVIDER));

        haLog = new ListAppender<>();
        haLog.start();
        Logger haLogger = (Logger) LoggerFactory.getLogger(HomeAgentDaemon.LOGGER);
        haLogger.addAppender(haLog);
        toClose.add(() -> haLogger.detachAppender(haLog));

        daemon = HomeAgentDaemon.start(HomeAgentConfig.load(haYaml), HomeAgentDaemon.Options.defaults());
        toClose.add(daemon);
        assertThat(daemon.provider().name()).isEqualTo(PROVIDER);
        InetSocketAddress haUdp = daemon.udpAddress().orElseThrow();
        assertThat(haUdp.getAddress().isLoopbackAddress()).as("loopback only").isTrue();

        ExecutorScheduler scheduler = new ExecutorScheduler("hostile-mn", 2);
        toClose.add(scheduler);
        InetAddress loopback = InetAddress.getByName("::1");
        legit = MobileNodeEngine.builder()
                .provider(new AuthOption4285Provider(), ConfigSection.of("security." + PROVIDER, null,
                        Map.of("nai", legitNai, "spi", Long.toString(legitSpi), "key-file", legitKeyFile.toString())))
                .settings(MobileNodeSettings.defaults().withHomeAgent(HOME_AGENT).withHomeAddress(LEGIT_HOME)
                        .withHomeAgentEndpoint(haUdp).withRequestedLifetime(Duration.ofSeconds(600)))
                .transports(() -> UdpTransport.open(UdpTransport.Config.ephemeral(loopback)))
                .clock(Clock.systemUTC())
                .scheduler(scheduler)
                .careOfAddress(legitCareOf(0))
                .build();
        toClose.add(legit);
        MobileNodeEngine.Registration first = legit.start().toCompletableFuture()
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertLegitimateBinding(first, legitCareOf(0));

        Path scriptFile = dir.resolve("hostile_client.py");
        try (InputStream in = HostileClientTest.class.getResourceAsStream("/hostile/hostile_client.py")) {
            assertThat(in).as("hostile/hostile_client.py on the test class path").isNotNull();
            Files.copy(in, scriptFile);
        }
        ObjectNode config = JSON.createObjectNode();
        config.put("homeAgent", HOME_AGENT.toString());
        config.put("endpointHost", Ipv6Address.fromBytes(haUdp.getAddress().getAddress()).toString());
        config.put("endpointPort", haUdp.getPort());
        config.put("seed", scriptSeed);
        config.put("silenceSeconds", SILENCE_SECONDS);
        config.put("lingerSeconds", 0.3);
        ObjectNode l = config.putObject("legitimate");
        l.put("nai", legitNai).put("spi", legitSpi).put("keyHex", hex).put("homeAddress", LEGIT_HOME.toString());
        ObjectNode s = config.putObject("scriptNode");
        s.put("nai", scriptNai).put("spi", scriptSpi).put("keyHex", scriptHex).put("homeAddress", SCRIPT_HOME.toString());
        Path scriptConfig = privateFile(dir.resolve("hostile.json"), JSON.writeValueAsString(config));
        scriptErr = dir.resolve("hostile_client.stderr");
        ProcessBuilder pb = new ProcessBuilder(PYTHON.toString(), scriptFile.toString(), scriptConfig.toString())
                .redirectError(scriptErr.toFile());
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        script = pb.start();
        scriptIn = new OutputStreamWriter(script.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(script.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    scriptLines.add(line);
                }
            } catch (IOException e) {
                // the process ended; run() reports the missing line with the script's stderr
            }
        }, "hostile-client-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    @AfterAll
    void stopEverything() throws Exception {
        try {
            stopScript();
        } finally {
            try {
                for (int i = toClose.size() - 1; i >= 0; i--) {
                    try {
                        toClose.get(i).close();
                    } catch (Exception e) {
                        System.err.println("HostileClientTest: closing " + toClose.get(i) + " failed: " + e);
                    }
                }
            } finally {
                printCaseTable();
                printScriptErrors();
                deleteRecursively(dir);
            }
        }
    }

    private void stopScript() throws Exception {
        if (script == null) {
            return;
        }
        try {
            if (script.isAlive()) {
                scriptIn.write("{\"case\":\"quit\"}\n");
                scriptIn.flush();
            }
        } catch (IOException e) {
            // already gone
        } finally {
            if (!script.waitFor(5, TimeUnit.SECONDS)) {
                System.err.println("HostileClientTest: the script (pid " + script.pid() + ") did not quit; ending it");
                script.destroy();
                if (!script.waitFor(5, TimeUnit.SECONDS)) {
                    script.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    /**
     * After every case the legitimate node moves to a new care-of address: a new Binding Update
     * with a newer sequence number, authenticated with its own key, accepted by the same home agent.
     */
    @AfterEach
    void legitimateNodeStillMoves(TestInfo test) throws Exception {
        if (legit == null || legit.registration().isEmpty()) {
            return; // the rig did not start; @BeforeAll reported why
        }
        MobileNodeEngine.Registration before = legit.registration().get();
        Ipv6Address next = legitCareOf(++legitMoves);
        MobileNodeEngine.Registration moved = legit.moveTo(next).toCompletableFuture()
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(moved.sequence().isNewerThan(before.sequence()))
                .as("the move after %s used a newer sequence number", test.getDisplayName()).isTrue();
        assertLegitimateBinding(moved, next);
        caseTable.add(new String[] {"(legitimate node after " + test.getTestMethod().map(m -> m.getName())
                .orElse("?") + ")", "move accepted", "BA 0: moved " + before.careOfAddress() + " -> " + next
                + ", seq " + before.sequence().value() + " -> " + moved.sequence().value()});
    }

    // ------------------------------------------------------------------ the cases

    @Test
    @Order(1)
    void forgedAuthenticatorUnderAKnownSpiIsAnsweredWith146AuthenticatedUnderThatSpi() throws Exception {
        Snapshot before = snapshot();

        JsonNode result = run("forged-authenticator");

        JsonNode sent = result.get("sent");
        JsonNode ba = onlyReply(result);
        record("forged authenticator (legitimate node's SPI, NAI and home address; wrong key)",
                "BA 146 MIPV6-AUTH-FAIL, authenticated under that SPI, replay option echoed; cache unchanged",
                result);
        assertAuthenticatedAck(ba, sent, 146, legitSpi);
        assertThat(ba.get("replayTimestamp").asText()).as("replay option echoed").isEqualTo(sent.get("timestamp").asText());
        assertCounters(before, 1, Counter.REJECTED);
        assertLogged(before, "verdict-rejected", "does not verify");
        assertCacheUnchanged(before);
    }

    @Test
    @Order(2)
    void byteIdenticalCopyOfAnAcceptedBindingUpdateGetsNoAcceptance() throws Exception {
        Snapshot before = snapshot();

        JsonNode original = run("replay-original");

        JsonNode sent = original.get("sent");
        JsonNode ba = onlyReply(original);
        record("replay, original (script node's valid BU)", "BA 0 accepted, authenticated, replay option echoed",
                original);
        assertAuthenticatedAck(ba, sent, 0, scriptSpi);
        assertThat(ba.get("replayTimestamp").asText()).isEqualTo(sent.get("timestamp").asText());
        assertCounters(before, 1, Counter.ACCEPTED);
        Snapshot afterOriginal = snapshot();
        List<Map<String, String>> expected = new ArrayList<>(before.bindings());
        expected.add(afterOriginal.binding(SCRIPT_HOME));
        assertThat(afterOriginal.bindings()).as("only the script node's new binding was added").isEqualTo(sorted(expected));
        assertThat(afterOriginal.binding(SCRIPT_HOME))
                .containsEntry(BindingListing.CARE_OF_ADDRESS, sent.get("careOf").asText())
                .containsEntry(BindingListing.SEQUENCE, sent.get("sequence").asText())
                .containsEntry(BindingListing.IDENTITY, "nai:" + scriptNai);

        JsonNode copy = run("replay-copy");

        record("replay, byte-identical copy of it", "silence (dropped: timestamp already accepted); cache unchanged",
                copy);
        assertThat(copy.get("sent").get("octets").asText()).as("byte-identical").isEqualTo(sent.get("octets").asText());
        assertThat(copy.get("replies")).as("no answer to the replayed copy").isEmpty();
        assertCounters(afterOriginal, 1, Counter.DROPPED);
        assertLogged(afterOriginal, "verdict-dropped", "replay");
        assertCacheUnchanged(afterOriginal);
    }

    @Test
    @Order(3)
    void staleTimestampIsAnsweredWith144CarryingTheHomeAgentsTime() throws Exception {
        Snapshot before = snapshot();

        JsonNode result = run("stale-timestamp");

        JsonNode sent = result.get("sent");
        JsonNode ba = onlyReply(result);
        record("stale timestamp (valid MAC, 1 h old)",
                "BA 144 MIPV6-ID-MISMATCH, authenticated, replay option = HA's time (high 32 bits) and the BU's "
                        + "low 32 bits; cache unchanged", result);
        Instant received = Instant.now();
        assertAuthenticatedAck(ba, sent, 144, scriptSpi);
        Instant stale = ntpToInstant(Long.parseUnsignedLong(sent.get("timestamp").asText()));
        Instant haTime = ntpToInstant(Long.parseUnsignedLong(ba.get("replayTimestamp").asText()));
        assertThat(Duration.between(stale, received).getSeconds()).as("the script's timestamp is an hour old")
                .isBetween(3590L, 3610L);
        assertThat(Duration.between(haTime, received).abs()).as("the BA carries the home agent's time, not the echo")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(Long.parseUnsignedLong(ba.get("replayTimestamp").asText()) & 0xFFFF_FFFFL)
                .as("low-order 32 bits copied from the Binding Update (RFC 4285 §6, RFC 3344 §5.7.1)")
                .isEqualTo(Long.parseUnsignedLong(sent.get("timestamp").asText()) & 0xFFFF_FFFFL);
        assertCounters(before, 1, Counter.REJECTED);
        assertCacheUnchanged(before);
    }

    @Test
    @Order(4)
    void authenticBindingUpdateWithoutMobileNodeIdentifierIsAnsweredWith129NotAnAuthenticationFailure()
            throws Exception {
        Snapshot before = snapshot();

        JsonNode result = run("missing-mn-id");

        JsonNode sent = result.get("sent");
        JsonNode ba = onlyReply(result);
        record("missing MN-ID option (valid MAC, fresh timestamp)",
                "BA 129 administratively prohibited (docs step 3', not 146: the MAC verified), authenticated, "
                        + "replay option echoed; cache unchanged", result);
        assertAuthenticatedAck(ba, sent, 129, scriptSpi);
        assertThat(ba.get("replayTimestamp").asText()).isEqualTo(sent.get("timestamp").asText());
        assertCounters(before, 1, Counter.REJECTED);
        assertLogged(before, "verdict-rejected", "Mobile Node Identifier");
        assertCacheUnchanged(before);
    }

    @Test
    @Order(5)
    void unknownSpiGetsSilence() throws Exception {
        Snapshot before = snapshot();

        JsonNode result = run("unknown-spi");

        record("unknown SPI (legitimate node's NAI and home address)", "silence (no SA to protect an answer); cache unchanged",
                result);
        assertThat(result.get("replies")).as("no answer to an unknown SPI").isEmpty();
        assertThat(result.get("sent").get("checksumValid").asBoolean()).isTrue();
        assertCounters(before, 1, Counter.DROPPED);
        assertLogged(before, "verdict-dropped", "unknown mobility SPI " + result.get("sent").get("spi").asText());
        assertCacheUnchanged(before);
    }

    @Test
    @Order(6)
    void optionLengthRunningPastTheMessageIsSilentlyDiscarded() throws Exception {
        Snapshot before = snapshot();

        JsonNode result = run("truncated-option");

        JsonNode sent = result.get("sent");
        record("truncated option (auth option length 255 runs past the end; valid MAC and checksum)",
                "silence (malformed, RFC 6275 §9.2 silent discard); cache unchanged", result);
        assertThat(sent.get("checksumValid").asBoolean()).as("the checksum is right: only the length is wrong").isTrue();
        assertThat(sent.get("mhOctets").asInt()).isEqualTo(sent.get("mhHeaderLenOctets").asInt());
        assertThat(result.get("replies")).as("no answer to a malformed message").isEmpty();
        assertCounters(before, 1, Counter.MALFORMED);
        assertLogged(before, "message-malformed", "past the end of the message");
        assertCacheUnchanged(before);
    }

    @Test
    @Order(7)
    void unknownMobilityHeaderTypeIsAnsweredWithBindingErrorStatus2() throws Exception {
        Snapshot before = snapshot();

        JsonNode result = run("unknown-mh-type");

        JsonNode sent = result.get("sent");
        JsonNode be = onlyReply(result);
        record("unknown MH type 42 (HAO = legitimate home address)",
                "Binding Error status 2 to the packet's source, Home Address field = HAO; cache unchanged", result);
        assertThat(sent.get("checksumValid").asBoolean()).isTrue();
        assertThat(be.get("kind").asText()).isEqualTo("BE");
        assertThat(be.get("status").asInt()).as("Unrecognized MH Type value").isEqualTo(2);
        assertThat(be.get("homeAddress").asText()).as("RFC 6275 §6.1.9: the HAO's address")
                .isEqualTo(LEGIT_HOME.toString());
        assertThat(be.get("innerSource").asText()).isEqualTo(HOME_AGENT.toString());
        assertThat(be.get("innerDestination").asText()).as("RFC 6275 §9.3.3: sent to the source address")
                .isEqualTo(sent.get("careOf").asText());
        assertThat(be.has("routingHeader")).as("a Binding Error goes straight to the source, no routing header")
                .isFalse();
        assertThat(be.get("checksumValid").asBoolean()).isTrue();
        assertThat(be.get("from").asText()).isEqualTo(haEndpoint());
        assertCounters(before, 1, Counter.MALFORMED);
        assertLogged(before, "binding-error-sent", "unrecognised MH type");
        assertCacheUnchanged(before);
    }

    /** Beyond the seven: an insider with its own valid key claims the legitimate node's home address. */
    @Test
    @Order(8)
    void validlyAuthenticatedNodeClaimingAnotherNodesHomeAddressGets129() throws Exception {
        Snapshot before = snapshot();

        JsonNode result = run("foreign-home-address");

        JsonNode sent = result.get("sent");
        JsonNode ba = onlyReply(result);
        record("(extra) script node's valid BU for the legitimate home address",
                "BA 129 administratively prohibited (engine ownership check), authenticated; cache unchanged", result);
        assertAuthenticatedAck(ba, sent, 129, scriptSpi);
        assertThat(ba.get("replayTimestamp").asText()).isEqualTo(sent.get("timestamp").asText());
        assertCounters(before, 1, Counter.REFUSED);
        assertCacheUnchanged(before);
    }

    /** Beyond the seven: authentication is judged before the timestamp (docs, steps 3 and 5). */
    @Test
    @Order(9)
    void forgedAndStaleBindingUpdateGets146AndLearnsNothingAboutTheHomeAgentsClock() throws Exception {
        Snapshot before = snapshot();

        JsonNode result = run("forged-and-stale");

        JsonNode sent = result.get("sent");
        JsonNode ba = onlyReply(result);
        record("(extra) forged authenticator AND 1 h old timestamp",
                "BA 146 (not 144), replay option = the stale timestamp echoed; cache unchanged", result);
        assertAuthenticatedAck(ba, sent, 146, legitSpi);
        assertThat(ba.get("replayTimestamp").asText()).as("echo, not the home agent's time")
                .isEqualTo(sent.get("timestamp").asText());
        assertCounters(before, 1, Counter.REJECTED);
        assertCacheUnchanged(before);
    }

    /** Beyond the seven: a valid association used under another node's NAI (docs, step 3'). */
    @Test
    @Order(10)
    void validAuthenticatorUnderAnotherNodesIdentityGets146() throws Exception {
        Snapshot before = snapshot();

        JsonNode result = run("impersonation-mn-id");

        JsonNode sent = result.get("sent");
        JsonNode ba = onlyReply(result);
        record("(extra) script node's SPI and key, legitimate node's MN-ID and home address",
                "BA 146 (the SPI belongs to another NAI), authenticated under the BU's SPI; cache unchanged", result);
        assertAuthenticatedAck(ba, sent, 146, scriptSpi);
        assertThat(ba.get("replayTimestamp").asText()).isEqualTo(sent.get("timestamp").asText());
        assertCounters(before, 1, Counter.REJECTED);
        assertLogged(before, "verdict-rejected", "belongs to " + scriptNai + ", not to " + legitNai);
        assertCacheUnchanged(before);
    }

    /** Beyond the seven: policy requires the replay option (docs, step 4, {@code require-replay-protection}). */
    @Test
    @Order(11)
    void authenticBindingUpdateWithoutReplayOptionGets145WithoutReplayOption() throws Exception {
        Snapshot before = snapshot();

        JsonNode result = run("missing-replay-option");

        JsonNode sent = result.get("sent");
        JsonNode ba = onlyReply(result);
        record("(extra) authentic BU without a replay protection option",
                "BA 145 MIPV6-MESG-ID-REQD, authenticated, no replay option (nothing to echo); cache unchanged", result);
        assertAuthenticatedAck(ba, sent, 145, scriptSpi, false);
        assertThat(ba.get("optionTypes")).extracting(JsonNode::asInt).doesNotContain(10);
        assertCounters(before, 1, Counter.REJECTED);
        assertCacheUnchanged(before);
    }

    // ------------------------------------------------------------------ RFC 6275 §9.5.1 rules (engine)

    /** RFC 6275 §9.5.1: a home registration must not carry Nonce Indices; silently discarded. */
    @Test
    @Order(12)
    void homeRegistrationCarryingNonceIndicesIsSilentlyDiscarded() throws Exception {
        Snapshot before = snapshot();

        JsonNode result = run("nonce-indices-home-registration");

        record("(rule) authentic home registration (H) with a Nonce Indices option",
                "silence (RFC 6275 §9.5.1 silent discard); cache unchanged", result);
        assertThat(result.get("sent").get("checksumValid").asBoolean()).isTrue();
        assertThat(result.get("replies")).as("no answer").isEmpty();
        assertCounters(before, 1, Counter.DROPPED);
        assertLogged(before, "verdict-dropped", "Nonce Indices");
        assertCacheUnchanged(before);
    }

    /** RFC 6275 §9.5.1: H clear over an existing home binding is a registration type change, 139. */
    @Test
    @Order(13)
    void bindingUpdateWithoutHOverAHomeBindingIsAnswered139() throws Exception {
        Snapshot before = snapshot();

        JsonNode result = run("registration-type-change");

        JsonNode sent = result.get("sent");
        JsonNode ba = onlyReply(result);
        record("(rule) authentic BU with H clear for the script node's bound home address",
                "BA 139 registration type change disallowed, authenticated; cache unchanged", result);
        assertAuthenticatedAck(ba, sent, 139, scriptSpi);
        assertCounters(before, 1, Counter.REFUSED);
        assertCacheUnchanged(before);
    }

    /** No correspondent node role: H clear with no binding is discarded, return-routability options or not. */
    @Test
    @Order(14)
    void correspondentRegistrationIsSilentlyDiscardedWithOrWithoutReturnRoutabilityOptions() throws Exception {
        Map<String, String> unbound = Map.of("homeAddress", "2001:db8:1::201");
        for (String c : List.of("correspondent-registration", "correspondent-registration-rr")) {
            Snapshot before = snapshot();

            JsonNode result = run(c, unbound);

            record("(rule) authentic BU with H clear for an unbound home address" + (c.endsWith("-rr")
                    ? ", with Nonce Indices and Binding Authorization Data" : ""),
                    "silence (no correspondent node role, RFC 6275 §9.5.1 silent discard); cache unchanged", result);
            assertThat(result.get("replies")).as("no answer to %s", c).isEmpty();
            assertCounters(before, 1, Counter.DROPPED);
            assertLogged(before, "verdict-dropped", "no correspondent node role");
            assertCacheUnchanged(before);
        }
    }

    /**
     * RFC 6275 §6.1 / §9.5.4: a deregistration sent from the home address (source = Home
     * Address option) is answered to the home address without a type 2 routing header; RFC 6275
     * §9.5.1: with the binding gone, a much lower sequence number is accepted.
     */
    @Test
    @Order(15)
    void deregistrationFromHomeGetsNoRoutingHeaderAndALowerSequenceNumberIsAcceptedAfterIt() throws Exception {
        Snapshot before = snapshot();

        JsonNode dereg = run("deregister-from-home");

        JsonNode sent = dereg.get("sent");
        JsonNode ba = onlyReply(dereg);
        record("(rule) authentic deregistration from home (source = HAO = home address)",
                "BA 0 to the home address, no routing header, authenticated; the binding is gone", dereg);
        assertThat(ba.get("kind").asText()).isEqualTo("BA");
        assertThat(ba.get("status").asInt()).isZero();
        assertThat(ba.get("sequence").asInt()).isEqualTo(sent.get("sequence").asInt());
        assertThat(ba.get("lifetimeUnits").asInt()).isZero();
        assertThat(ba.get("innerDestination").asText()).isEqualTo(SCRIPT_HOME.toString());
        assertThat(ba.has("routingHeader")).as("no type 2 routing header to the home address itself").isFalse();
        assertThat(ba.get("checksumValid").asBoolean()).isTrue();
        assertThat(ba.get("auth").get("spi").asLong()).isEqualTo(scriptSpi);
        assertThat(ba.get("auth").get("valid").asBoolean()).isTrue();
        assertCounters(before, 1, Counter.ACCEPTED);
        Snapshot afterDereg = snapshot();
        List<Map<String, String>> withoutScript = before.bindings().stream()
                .filter(b -> !b.get(BindingListing.HOME_ADDRESS).equals(SCRIPT_HOME.toString())).toList();
        assertThat(afterDereg.bindings()).as("only the script node's binding is gone").isEqualTo(withoutScript);

        JsonNode lower = run("register-lower-sequence");

        JsonNode sentLower = lower.get("sent");
        record("(rule) then a home registration with a sequence number 1000 lower",
                "BA 0 accepted (RFC 6275 §9.5.1: no Binding Cache entry, any sequence number)", lower);
        assertThat((sent.get("sequence").asInt() - sentLower.get("sequence").asInt()) & 0xFFFF).isEqualTo(1000);
        assertAuthenticatedAck(onlyReply(lower), sentLower, 0, scriptSpi);
        assertCounters(afterDereg, 1, Counter.ACCEPTED);
        assertThat(snapshot().binding(SCRIPT_HOME))
                .containsEntry(BindingListing.SEQUENCE, sentLower.get("sequence").asText())
                .containsEntry(BindingListing.CARE_OF_ADDRESS, sentLower.get("careOf").asText());
        assertThat(snapshot().binding(LEGIT_HOME)).isEqualTo(before.binding(LEGIT_HOME));
    }

    /** RFC 6275 §9.5.1 / RFC 5555: an IPv4 care-of address of 127.0.0.1 is not usable; 174. */
    @Test
    @Order(16)
    void loopbackIpv4CareOfAddressIsAnswered174() throws Exception {
        Snapshot before = snapshot();

        JsonNode result = run("ipv4-loopback-care-of");

        JsonNode sent = result.get("sent");
        JsonNode ba = onlyReply(result);
        record("(rule) authentic BU with the IPv4 Care-of Address option 127.0.0.1",
                "BA 174 invalid care-of address, authenticated; cache unchanged", result);
        assertAuthenticatedAck(ba, sent, 174, scriptSpi);
        assertCounters(before, 1, Counter.REFUSED);
        assertCacheUnchanged(before);
    }

    // ------------------------------------------------------------------ what one sender can take from the others

    /**
     * One valid key claims ten new home addresses at once: it is given
     * {@code max-home-addresses-per-identity} (4) minus the one it holds, every other claim is
     * answered 129, and the legitimate node still moves (after the case).
     */
    @Test
    @Order(17)
    void oneKeyGetsNoMoreHomeAddressesThanTheLimitAndTheRestAre129() throws Exception {
        Snapshot before = snapshot();
        int limit = daemon.engine().settings().maxHomeAddressesPerIdentity();
        int held = (int) before.bindings().stream()
                .filter(b -> b.get(BindingListing.IDENTITY).equals("nai:" + scriptNai)).count();
        int claimed = 10;

        JsonNode result = run("many-home-addresses", Map.of("count", Integer.toString(claimed)));

        JsonNode replies = result.get("replies");
        record("(limit) the script node's valid key claims " + claimed + " new home addresses at once",
                (limit - held) + " accepted, " + (claimed - limit + held) + " BA 129, all authenticated; "
                        + "then deregistered", result);
        assertThat(replies).as("every claim is answered").hasSize(claimed);
        Map<String, JsonNode> sentByHome = new TreeMap<>();
        result.get("claims").forEach(c -> sentByHome.put(c.get("homeAddress").asText(), c));
        int accepted = 0;
        int prohibited = 0;
        for (JsonNode ba : replies) {
            int status = ba.get("status").asInt();
            assertAuthenticatedAck(ba, sentByHome.get(ba.get("homeAddress").asText()), status, scriptSpi);
            accepted += status == 0 ? 1 : 0;
            prohibited += status == 129 ? 1 : 0;
        }
        assertThat(accepted).as("home addresses given to one identity (it held %d)", held).isEqualTo(limit - held);
        assertThat(prohibited).as("claims beyond the limit, answered 129").isEqualTo(claimed - limit + held);
        assertLogged(before, "binding-update-rejected", "its maximum");
        assertThat(result.get("deregistrations")).as("each granted home address deregistered again")
                .hasSize(accepted).allSatisfy(ba -> assertThat(ba.get("status").asInt()).isZero());
        assertThat(snapshot().bindings()).as("only replay holds are left of the claims").isEqualTo(before.bindings());
    }

    /**
     * A keyless flood (forged Binding Updates under the legitimate node's SPI with a random key,
     * 2 000 datagrams in four bursts) while a node with a valid key and a stale sequence number
     * needs its 135: every 135 arrives, the node registers with the number it was told, and the
     * forgeries' 146s stay within the budget of their source.
     */
    @Test
    @Order(18)
    void keylessFloodDoesNotKeepANodeWithAStaleSequenceNumberFromIts135() throws Exception {
        Snapshot before = snapshot();
        String bound = before.binding(SCRIPT_HOME).get(BindingListing.SEQUENCE);
        double perSource = daemon.engine().settings().failureRepliesPerSourcePerSecond();

        JsonNode result = run("keyless-flood-stale-node", Map.of("floodDatagrams", "2000", "rounds", "4"));

        JsonNode replies = result.get("replies");
        JsonNode flood = result.get("flood");
        record("(budgets) 2000 forged BUs in 4 bursts; after each, the script node's BU 100 sequence numbers behind",
                "4 x BA 135 carrying " + bound + ", then BA 0 with " + bound + " + 1; 146s within the source's "
                        + "budget", result);
        System.out.println("HostileClientTest flood: " + flood + ", answers not for the node: " + result.get("tally")
                + ", case took " + result.get("totalSeconds") + " s");
        assertThat(flood.get("datagrams").asInt()).isEqualTo(2000);
        assertThat(flood.get("seconds").asDouble()).as("the flood and the four 135s took seconds, not minutes")
                .isLessThan(15.0);
        assertThat(replies).hasSize(5);
        for (int i = 0; i < 4; i++) {
            JsonNode ba = replies.get(i);
            assertThat(ba.get("kind").asText()).as("an answer to the stale Binding Update of burst %d", i + 1)
                    .isEqualTo("BA");
            assertThat(ba.get("status").asInt()).isEqualTo(135);
            assertThat(ba.get("sequence").asText()).as("the sequence number to use").isEqualTo(bound);
            assertThat(ba.get("auth").get("spi").asLong()).isEqualTo(scriptSpi);
            assertThat(ba.get("auth").get("valid").asBoolean()).isTrue();
        }
        JsonNode registered = replies.get(4);
        assertAuthenticatedAck(registered, result.get("sent"), 0, scriptSpi);
        assertThat(result.get("sent").get("sequence").asInt()).isEqualTo((Integer.parseInt(bound) + 1) & 0xFFFF);
        assertThat(snapshot().binding(SCRIPT_HOME))
                .containsEntry(BindingListing.SEQUENCE, result.get("sent").get("sequence").asText());
        assertThat(snapshot().binding(LEGIT_HOME)).isEqualTo(before.binding(LEGIT_HOME));
        long answered146 = result.get("tally").path("146").asLong();
        double seconds = result.get("totalSeconds").asDouble();
        assertThat(answered146).as("146s to forgeries from one source in %s s", seconds)
                .isLessThanOrEqualTo((long) Math.ceil(perSource * 2 + perSource * (seconds + 1)));
    }

    @Test
    @Order(100)
    void legitimateNodeIsServedThroughoutAndNothingElseChanged() throws Exception {
        Snapshot before = snapshot();
        Ipv6Address last = legitCareOf(++legitMoves);

        MobileNodeEngine.Registration r = legit.moveTo(last).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertLegitimateBinding(r, last);
        Snapshot after = snapshot();
        assertThat(after.bindings()).hasSize(2);
        assertThat(after.binding(SCRIPT_HOME)).as("the script node's binding is still the replay original's")
                .isEqualTo(before.binding(SCRIPT_HOME));
        assertThat(after.counters().sendFailures()).as("the home agent never failed to send").isZero();
        caseTable.add(new String[] {"(legitimate node, final move)", "accepted",
                "moved to " + last + " seq " + r.sequence().value()});
    }

    // ------------------------------------------------------------------ talking to the script

    private JsonNode run(String caseName) throws Exception {
        return run(caseName, Map.of());
    }

    private JsonNode run(String caseName, Map<String, String> parameters) throws Exception {
        ObjectNode command = JSON.createObjectNode();
        parameters.forEach(command::put);
        command.put("case", caseName);
        command.put("legitimateSequence", legit.registration().orElseThrow().sequence().value());
        scriptIn.write(JSON.writeValueAsString(command) + "\n");
        scriptIn.flush();
        String line = scriptLines.poll(30, TimeUnit.SECONDS);
        if (line == null) {
            fail("the script gave no result for " + caseName + " (alive: " + script.isAlive() + "); stderr:\n"
                    + readScriptErrors());
        }
        JsonNode result = JSON.readTree(line);
        assertThat(result.get("case").asText()).isEqualTo(caseName);
        if (result.has("error")) {
            fail("the script failed on " + caseName + ": " + result.get("error").asText() + "\n" + readScriptErrors());
        }
        assertThat(result.get("strays")).as("no late or unexpected datagram reached the script before " + caseName)
                .isEmpty();
        System.out.println("HostileClientTest " + caseName + ": sent " + result.get("sent").get("scapySummary").asText()
                + " -> " + describe(result));
        return result;
    }

    private JsonNode onlyReply(JsonNode result) {
        JsonNode replies = result.get("replies");
        assertThat(replies).as("exactly one answer to %s", result.get("case").asText()).hasSize(1);
        return replies.get(0);
    }

    /**
     * A Binding Acknowledgement as RFC 4285 and RFC 6275 §9.5.4 want it: from the HA's UDP
     * endpoint, inner source the HA, to the care-of address with a type 2 routing header holding
     * the home address, valid checksum, the BU's sequence number, and an MN-HA authentication
     * option under {@code spi} that verifies over the BU's care-of and home address.
     */
    private void assertAuthenticatedAck(JsonNode ba, JsonNode sent, int status, long spi) {
        assertAuthenticatedAck(ba, sent, status, spi, true);
    }

    private void assertAuthenticatedAck(JsonNode ba, JsonNode sent, int status, long spi, boolean replayOption) {
        assertThat(ba.get("kind").asText()).isEqualTo("BA");
        assertThat(ba.get("status").asInt()).as("BA status").isEqualTo(status);
        assertThat(ba.get("sequence").asInt()).as("BA sequence").isEqualTo(sent.get("sequence").asInt());
        if (status >= 128) {
            assertThat(ba.get("lifetimeUnits").asInt()).as("a refusal grants no lifetime").isZero();
        }
        assertThat(ba.get("from").asText()).isEqualTo(haEndpoint());
        assertThat(ba.get("innerSource").asText()).isEqualTo(HOME_AGENT.toString());
        assertThat(ba.get("innerDestination").asText()).isEqualTo(sent.get("careOf").asText());
        assertThat(ba.get("routingHeader").get("type").asInt()).isEqualTo(2);
        assertThat(ba.get("routingHeader").get("addresses").get(0).asText()).isEqualTo(sent.get("homeAddress").asText());
        assertThat(ba.get("checksumValid").asBoolean()).as("BA checksum").isTrue();
        JsonNode auth = ba.get("auth");
        assertThat(auth).as("the BA carries a Mobility Message Authentication option").isNotNull();
        assertThat(auth.get("subtype").asInt()).as("MN-HA").isEqualTo(1);
        assertThat(auth.get("spi").asLong()).as("authenticated under the BU's SPI").isEqualTo(spi);
        assertThat(auth.get("valid").asBoolean()).as("the script's own HMAC-SHA1 verifies the BA").isTrue();
        JsonNode types = ba.get("optionTypes");
        assertThat(types.get(types.size() - 1).asInt()).as("the authentication option is last").isEqualTo(9);
        assertThat(ba.has("replayTimestamp")).as("the BA carries a replay protection option").isEqualTo(replayOption);
    }

    private String haEndpoint() {
        return "[::1]:" + daemon.udpAddress().orElseThrow().getPort();
    }

    private static String describe(JsonNode result) {
        JsonNode replies = result.get("replies");
        if (replies.isEmpty()) {
            return "silence (" + SILENCE_SECONDS + " s)";
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode r : replies) {
            StringBuilder sb = new StringBuilder(r.path("kind").asText("?"));
            sb.append(' ').append(r.path("status").asText("?"));
            if (r.has("sequence")) {
                sb.append(" seq=").append(r.get("sequence").asText());
            }
            if (r.has("auth")) {
                sb.append(" auth(spi=").append(r.get("auth").get("spi").asText()).append(")=")
                        .append(r.get("auth").get("valid").asText());
            }
            if (r.has("replayTimestamp")) {
                boolean echo = r.get("replayTimestamp").asText().equals(result.get("sent").path("timestamp").asText());
                sb.append(echo ? " replay=echo" : " replay=" + ntpToInstant(
                        Long.parseUnsignedLong(r.get("replayTimestamp").asText())));
            }
            if (r.has("homeAddress")) {
                sb.append(" hoa=").append(r.get("homeAddress").asText());
            }
            sb.append(" after ").append(r.path("secondsAfterSend").asText()).append(" s");
            parts.add(sb.toString());
        }
        return String.join("; ", parts);
    }

    private void record(String name, String expected, JsonNode result) {
        caseTable.add(new String[] {name, expected, describe(result)});
    }

    // ------------------------------------------------------------------ the home agent's state

    private enum Counter { ACCEPTED, REFUSED, REJECTED, DROPPED, MALFORMED, IGNORED }

    private record Counters(long received, long accepted, long refused, long rejected, long dropped, long malformed,
                            long ignored, long sendFailures) {
        static Counters of(HomeAgentEngine.Counters c) {
            return new Counters(c.received(), c.accepted(), c.refused(), c.rejected(), c.dropped(), c.malformed(),
                    c.ignored(), c.sendFailures());
        }

        long get(Counter which) {
            return switch (which) {
                case ACCEPTED -> accepted;
                case REFUSED -> refused;
                case REJECTED -> rejected;
                case DROPPED -> dropped;
                case MALFORMED -> malformed;
                case IGNORED -> ignored;
            };
        }
    }

    /** The binding cache as the admin socket lists it (without the ticking lifetime-left), the counters, the log position. */
    private record Snapshot(List<Map<String, String>> bindings, Counters counters, int logLines) {
        Map<String, String> binding(Ipv6Address home) {
            return bindings.stream().filter(b -> b.get(BindingListing.HOME_ADDRESS).equals(home.toString()))
                    .findFirst().orElseThrow(() -> new AssertionError("no binding for " + home + " in " + bindings));
        }
    }

    private Snapshot snapshot() throws Exception {
        ObjectNode answer = AdminClient.send(daemon.adminSocket(), "bindings", WAIT);
        assertThat(answer.get("ok").asBoolean()).isTrue();
        List<Map<String, String>> bindings = new ArrayList<>();
        for (JsonNode b : answer.get("bindings")) {
            Map<String, String> m = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = b.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals(BindingListing.LIFETIME_LEFT_SECONDS)) {
                    m.put(e.getKey(), e.getValue().asText());
                }
            }
            bindings.add(m);
        }
        return new Snapshot(sorted(bindings), Counters.of(daemon.engine().counters()), haLog.list.size());
    }

    private static List<Map<String, String>> sorted(List<Map<String, String>> bindings) {
        return bindings.stream().sorted(Comparator.comparing(b -> b.get(BindingListing.HOME_ADDRESS))).toList();
    }

    private void assertCacheUnchanged(Snapshot before) throws Exception {
        assertThat(snapshot().bindings()).as("the binding cache is exactly as before the case").isEqualTo(before.bindings());
        assertThat(before.binding(LEGIT_HOME)).containsEntry(BindingListing.IDENTITY, "nai:" + legitNai);
    }

    /**
     * Exactly one more datagram received, and {@code n} more of {@code which} and of nothing
     * else. The script waited for its answer (or {@value #SILENCE_SECONDS} s of silence) first;
     * the counters are still polled briefly because an acceptance is counted on another thread.
     */
    private void assertCounters(Snapshot before, int n, Counter which) {
        Predicate<Counters> done = c -> c.received() == before.counters().received() + n
                && c.get(which) == before.counters().get(which) + n;
        Counters now = awaitCounters(done);
        for (Counter c : Counter.values()) {
            long expected = before.counters().get(c) + (c == which ? n : 0);
            assertThat(now.get(c)).as("home agent counter %s", c).isEqualTo(expected);
        }
        assertThat(now.received()).as("home agent counter received").isEqualTo(before.counters().received() + n);
    }

    private Counters awaitCounters(Predicate<Counters> done) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Counters c = Counters.of(daemon.engine().counters());
        while (!done.test(c) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            c = Counters.of(daemon.engine().counters());
        }
        return c;
    }

    /** The home agent logged a line starting with {@code event} and containing {@code detail} since {@code before}. */
    private void assertLogged(Snapshot before, String event, String detail) {
        List<String> lines;
        synchronized (haLog) { // AppenderBase.doAppend holds the appender's lock while adding
            lines = haLog.list.subList(before.logLines(), haLog.list.size()).stream()
                    .map(ILoggingEvent::getFormattedMessage).toList();
        }
        assertThat(lines).as("home agent log lines since the case began")
                .anySatisfy(line -> assertThat(line).startsWith(event).contains(detail));
    }

    private void assertLegitimateBinding(MobileNodeEngine.Registration r, Ipv6Address careOf) throws Exception {
        assertThat(r.careOfAddress()).isEqualTo(careOf);
        assertThat(r.homeAddress()).isEqualTo(LEGIT_HOME);
        Map<String, String> b = snapshot().binding(LEGIT_HOME);
        assertThat(b).containsEntry(BindingListing.CARE_OF_ADDRESS, careOf.toString())
                .containsEntry(BindingListing.SEQUENCE, Integer.toString(r.sequence().value()))
                .containsEntry(BindingListing.IDENTITY, "nai:" + legitNai)
                .containsEntry(BindingListing.PROVIDER, PROVIDER);
    }

    // ------------------------------------------------------------------ small things

    private static Ipv6Address legitCareOf(int n) {
        return Ipv6Address.parse("2001:db8:2::" + Integer.toHexString(0xa0 + n));
    }

    /** A mobility SPI outside the reserved 0..255. */
    private static long spi(Random random) {
        return 256 + Math.floorMod(random.nextLong(), 0x1_0000_0000L - 256);
    }

    private static byte[] key(Random random) {
        byte[] key = new byte[20];
        random.nextBytes(key);
        return key;
    }

    private static Instant ntpToInstant(long ntp) {
        long seconds = ntp >>> 32;
        long nanos = ((ntp & 0xFFFF_FFFFL) * 1_000_000_000L) >>> 32;
        return Instant.ofEpochSecond(seconds - NTP_TO_UNIX_SECONDS, nanos);
    }

    /** Creates {@code file} with mode 600 before anything is written to it. */
    private static Path privateFile(Path file, String content) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.writeString(file, content);
    }

    private String readScriptErrors() {
        try {
            return scriptErr != null && Files.exists(scriptErr) ? Files.readString(scriptErr) : "";
        } catch (IOException e) {
            return "(stderr unreadable: " + e + ")";
        }
    }

    private void printScriptErrors() {
        String err = readScriptErrors();
        if (!err.isBlank()) {
            System.out.println("HostileClientTest script stderr:\n" + err.strip());
        }
    }

    private void printCaseTable() {
        StringBuilder sb = new StringBuilder("HostileClientTest cases (seed " + seed + "):\n");
        sb.append("| case | expected | observed |\n|---|---|---|\n");
        for (String[] row : caseTable) {
            sb.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        System.out.println(sb);
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
