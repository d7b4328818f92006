package org.mip6kit.provider.auth4285;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.Verdict;
import org.mip6kit.testing.HostRequirements;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.packet.MobilityPacket;
import org.mip6kit.wire.packet.MobilityPacketParser;

/**
 * Interoperability with an independent implementation, generated at test time: a Python script
 * ({@code rfc4285_interop.py}) builds Binding Updates with scapy's {@code MIP6OptMNID},
 * {@code MIP6OptReplayProtection} and {@code MIP6OptMsgAuth}, with fresh random NAIs, SPIs and
 * keys from a printed seed, and signs them with Python's {@code hmac} module; mip6kit's home
 * agent side verifies them through {@link SignallingPath#verify} with a key table written here,
 * and answers; the script dissects mip6kit's Binding Acknowledgements with scapy and checks their
 * authenticators with its own HMAC. Rerun one seed with {@code -Dauth4285.interop.seed=N}.
 */
@Tag("large")
class ScapyInteropTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final HexFormat HEX = HexFormat.of();
    private static final Ipv6Address HOME_AGENT = Ipv6Address.parse("2001:db8:1::1");

    /** One row of cases.tsv. */
    private record Case(String name, String expect, String nai, long spi, String key, Ipv6Address homeAddress,
                        Ipv6Address macCareOf, byte[] packet, String timestamp, int sequence) {
        static Case parse(String line) {
            String[] f = line.split("\t");
            return new Case(f[0], f[1], f[2], Long.parseLong(f[3]), f[4], Ipv6Address.parse(f[5]),
                    Ipv6Address.parse(f[6]), HEX.parseHex(f[7]), f[8], Integer.parseInt(f[9]));
        }
    }

    @Test
    void scapySignedBindingUpdatesVerifyInMip6kitAndMip6kitSignedAcknowledgementsVerifyInTheScript() throws Exception {
        HostRequirements.pythonModule(PYTHON, "scapy", "python3-scapy");
        long seed = Long.getLong("auth4285.interop.seed", new SecureRandom().nextLong() & Long.MAX_VALUE);
        System.out.println("ScapyInteropTest seed=" + seed + " (rerun with -Dauth4285.interop.seed=" + seed + ")");
        Instant now = Instant.ofEpochSecond(1_750_000_000L + seed % 10_000_000L);
        Path dir = Files.createTempDirectory("auth4285-interop-");
        boolean passed = false;
        try {
            exchange(seed, now, dir);
            passed = true;
        } finally {
            if (passed) {
                deleteRecursively(dir);
            } else {
                System.out.println("ScapyInteropTest kept its files for inspection in " + dir);
            }
        }
    }

    private void exchange(long seed, Instant now, Path dir) throws Exception {
        long nowNtp = NtpTimestamp.of(now);
        Path script = dir.resolve("rfc4285_interop.py");
        try (InputStream in = ScapyInteropTest.class.getResourceAsStream("rfc4285_interop.py")) {
            Files.copy(in, script);
        }

        String built = run(dir, "build.log", script.toString(), "build", Long.toString(seed),
                Long.toUnsignedString(nowNtp), dir.toString());
        assertThat(built).contains("seed=" + seed);
        List<Case> cases = Files.readAllLines(dir.resolve("cases.tsv")).stream().map(Case::parse).toList();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(18);

        // The key table, written now, with the keys the script drew.
        StringBuilder table = new StringBuilder("# written by ScapyInteropTest, seed " + seed + "\n");
        for (Case c : cases) {
            table.append(c.nai()).append(' ').append(c.spi()).append(" hmac-sha1 key=").append(c.key()).append('\n');
        }
        Path keyTable = dir.resolve("keys.table");
        Files.createFile(keyTable, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyTable, table);

        TestContext ctx = new TestContext(ProviderContext.Role.HOME_AGENT, TestContext.timeAt(now));
        HomeAgentSecurity ha = new AuthOption4285Provider().homeAgent(ctx, ConfigSection.of(
                "security.auth-option-4285", null, Map.of("key-table", keyTable.toString())));
        CapturingTransport transport = new CapturingTransport();
        SignallingPath path = ha.path(() -> transport);
        path.start(in -> { });

        List<String> acknowledgements = new ArrayList<>();
        for (Case c : cases) {
            MobilityPacket packet = MobilityPacketParser.parse(c.packet());
            Addressing as = new Addressing(packet.source(), packet.destination(), packet.homeAddressOption(),
                    packet.type2RoutingHeader(), Optional.empty());
            // The checksum scapy computed is checked here too (pseudo-header with the home address).
            MobilityMessage m = ctx.codec().decode(packet.mobilityHeader(), as.pseudoHeaderSource(),
                    as.pseudoHeaderDestination());
            Verdict v = path.verify(new Inbound(packet.mobilityHeader(), as, Observed.NOTHING), m).toCompletableFuture().join();
            BindingAckStatus status;
            ReplyContext reply;
            String replay;
            switch (c.expect()) {
                case "accept" -> {
                    assertThat(v).as(c.name()).isInstanceOf(Verdict.Accept.class);
                    assertThat(((Verdict.Accept) v).identity()).as(c.name()).isEqualTo(Identity.nai(c.nai()));
                    status = BindingAckStatus.ACCEPTED;
                    reply = ((Verdict.Accept) v).reply();
                    replay = c.timestamp();
                }
                case "146", "144" -> {
                    assertThat(v).as(c.name() + ": " + v).isInstanceOf(Verdict.Reject.class);
                    status = ((Verdict.Reject) v).status();
                    assertThat(status.code()).as(c.name()).isEqualTo(Integer.parseInt(c.expect()));
                    reply = ((Verdict.Reject) v).reply().orElseThrow();
                    replay = status.code() == 144 ? "ha-time:" + c.timestamp() : c.timestamp();
                }
                default -> {
                    assertThat(v).as(c.name() + ": " + v).isInstanceOf(Verdict.Drop.class);
                    continue;
                }
            }
            BindingUpdate bu = (BindingUpdate) m;
            BindingAcknowledgement ba = new BindingAcknowledgement(status,
                    EnumSet.noneOf(BindingAcknowledgement.Flag.class), bu.sequence(),
                    status.isAccepted() ? bu.lifetime() : Lifetime.ZERO, List.of());
            Addressing back = new Addressing(HOME_AGENT, packet.source(), Optional.empty(), packet.homeAddressOption(),
                    Optional.empty());
            path.send(ba, back, Optional.of(reply)).toCompletableFuture().join();
            byte[] mh = transport.last().octets();
            byte[] wire = new MobilityPacket(back.source(), back.destination(), Optional.empty(), back.routingHeader(),
                    Optional.empty(), mh).toBytes();
            acknowledgements.add(String.join("\t", c.name(), Integer.toString(status.code()), c.key(),
                    c.macCareOf().toString(), c.homeAddress().toString(), HEX.formatHex(wire),
                    replay, Integer.toString(c.sequence()), Long.toString(c.spi())));
        }
        Files.write(dir.resolve("bas.tsv"), acknowledgements);

        String checked = run(dir, "check.log", script.toString(), "check", dir.toString(),
                Long.toUnsignedString(nowNtp));
        for (String row : acknowledgements) {
            assertThat(checked).contains("OK " + row.substring(0, row.indexOf('\t')) + "\n");
        }
        assertThat(checked).contains("checked " + acknowledgements.size() + " Binding Acknowledgements, 0 failed");
        path.close();
        ha.close();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Runs the script with a time limit; the process is always ended, and its output returned. */
    private static String run(Path dir, String log, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(PYTHON.toString());
        command.addAll(List.of(args));
        Path output = dir.resolve(log);
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        try {
            boolean finished = p.waitFor(120, TimeUnit.SECONDS);
            // the script's output stays in its file (kept when the test fails) and is shown only in a failure
            String text = Files.readString(output, StandardCharsets.UTF_8);
            assertThat(finished).as("the script finished within 120 s; it printed:\n" + text).isTrue();
            assertThat(p.exitValue()).as("exit status of " + command + ":\n" + text).isZero();
            return text;
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
