package org.mip6kit.provider.tls.protect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.testing.HostRequirements;

/**
 * Interoperability with an independent ESP implementation, generated at test time. An RFC 6618
 * packet is an ESP packet whose SPI field holds PType and the 28-bit SPI (RFC 6618 §6), so
 * scapy's {@code SecurityAssociation} with {@code spi = ptype << 28 | spi} produces and checks
 * the same octets. The script {@code rfc6618_esp_interop.py} draws SPIs, keys, sequence numbers
 * and payloads (scapy-built Binding Updates; every length 0..40; a tunnelled IPv6 packet) from a
 * printed seed and protects them with scapy for every suite scapy has (NULL, AES-CBC, 3DES with
 * HMAC-SHA1-96); {@link PacketProtection#verify} must accept each and give back its payload, and
 * must refuse the copies the script changed. mip6kit then protects the same payloads with keys of
 * its own, and the script verifies them with scapy (ICV, decryption, next header 135 or 41,
 * default padding) and expects scapy to refuse mip6kit's changed copies.
 *
 * <p>What scapy cannot represent: a PType 0 (plaintext) packet, and the SHA256 suites
 * (AES-XCBC-MAC-96), which neither scapy nor the JDK offers. Rerun one seed with
 * {@code -Dtls.protect.interop.seed=N}.
 */
@Tag("large")
class ScapyEspInteropTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final HexFormat HEX = HexFormat.of();

    /** One row of scapy_packets.tsv or java_packets.tsv. */
    private record Row(String name, String suite, int ptype, int spi, long seq, byte[] ikey, byte[] ekey, int nh,
                       byte[] payload, byte[] packet, String expect) {
        static Row parse(String line) {
            String[] f = line.split("\t", -1);
            return new Row(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), Long.parseLong(f[4]),
                    HEX.parseHex(f[5]), HEX.parseHex(f[6]), Integer.parseInt(f[7]), HEX.parseHex(f[8]),
                    HEX.parseHex(f[9]), f[10]);
        }

        String format() {
            return String.join("\t", name, suite, Integer.toString(ptype), Integer.toString(spi), Long.toString(seq),
                    HEX.formatHex(ikey), HEX.formatHex(ekey), Integer.toString(nh), HEX.formatHex(payload),
                    HEX.formatHex(packet), expect);
        }
    }

    @Test
    void scapyProtectedPacketsVerifyHereAndPacketsProtectedHereVerifyInScapy() throws Exception {
        HostRequirements.pythonModule(PYTHON, "scapy.layers.ipsec", "python3-scapy");
        long seed = Long.getLong("tls.protect.interop.seed", new SecureRandom().nextLong() & Long.MAX_VALUE);
        System.out.println("ScapyEspInteropTest seed=" + seed + " (rerun with -Dtls.protect.interop.seed=" + seed + ")");
        Path dir = Files.createTempDirectory("tls-protect-interop-");
        boolean passed = false;
        try {
            exchange(seed, dir);
            passed = true;
        } finally {
            if (passed) {
                try (var files = Files.walk(dir)) {
                    for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            } else {
                System.out.println("ScapyEspInteropTest kept its files for inspection in " + dir);
            }
        }
    }

    private void exchange(long seed, Path dir) throws Exception {
        Path script = dir.resolve("rfc6618_esp_interop.py");
        try (InputStream in = ScapyEspInteropTest.class.getResourceAsStream("rfc6618_esp_interop.py")) {
            Files.copy(in, script);
        }
        String built = run(dir, "build.log", script.toString(), "build", Long.toString(seed), dir.toString());
        assertThat(built).contains("seed=" + seed);
        List<Row> scapyRows = Files.readAllLines(dir.resolve("scapy_packets.tsv")).stream()
                .filter(l -> !l.isBlank()).map(Row::parse).toList();
        assertThat(scapyRows).hasSizeGreaterThanOrEqualTo(3 * (3 + 41 + 1));

        Random random = new Random(seed);
        Instant validityEnd = Fixtures.NOW.plusSeconds(3600);
        List<String> ours = new ArrayList<>();
        int accepted = 0;
        int refused = 0;
        for (Row r : scapyRows) {
            Suite suite = Suite.parse(r.suite());
            byte[] haIkey = randomBytes(random, suite.integrityKeyLength());
            byte[] haEkey = randomBytes(random, suite.encryptionKeyLength());
            SecurityAssociation sa = new SecurityAssociation(r.spi(), suite, new DirectionKeys(r.ikey(), r.ekey()),
                    new DirectionKeys(haIkey, haEkey), validityEnd);
            PacketProtection p = new PacketProtection(sa, new SecureRandom(), Fixtures.CLOCK);
            assertThat(PacketProtection.peekSpi(r.packet())).as(r.name()).isEqualTo(r.spi());
            Verification v = p.verify(Direction.MN_TO_HA, r.packet(), new ReplayWindow());
            if (!r.expect().equals("accept")) {
                assertThat(v.failure()).as(r.name()).isEqualTo(VerifyFailure.valueOf(r.expect()));
                refused++;
                continue;
            }
            assertThat(v.accepted()).as(r.name() + ": " + v).isTrue();
            Verified packet = v.packet();
            assertThat(packet.packetType().code()).as(r.name()).isEqualTo(r.ptype());
            assertThat(packet.sequence()).as(r.name()).isEqualTo(r.seq());
            assertThat(packet.nextHeader()).as(r.name()).isEqualTo(r.nh());
            assertThat(packet.payload()).as(r.name()).isEqualTo(r.payload());
            accepted++;

            // The same payload back the other way, protected here with the home agent's keys.
            long seq = r.seq() == 0 ? 0 : random.nextInt() & 0xFFFF_FFFFL;
            byte[] datagram = p.protect(Direction.HA_TO_MN, packet.packetType(), r.nh(), seq, r.payload());
            ours.add(new Row(r.name(), suite.rfcName(), r.ptype(), r.spi(), seq, haIkey, haEkey, r.nh(), r.payload(),
                    datagram, "accept").format());
            if (r.payload().length % 10 == 7) {
                byte[] changed = datagram.clone();
                int at = 4 + random.nextInt(changed.length - 4);
                changed[at] ^= (byte) (1 << random.nextInt(8));
                ours.add(new Row(r.name() + "-flipped-at-" + at, suite.rfcName(), r.ptype(), r.spi(), seq, haIkey,
                        haEkey, r.nh(), r.payload(), changed, "reject").format());
            }
        }
        assertThat(refused).as("the script's changed packets").isPositive();
        System.out.println("ScapyEspInteropTest: accepted " + accepted + " scapy packets, refused " + refused
                + " changed ones");
        Files.write(dir.resolve("java_packets.tsv"), ours);

        String checked = run(dir, "check.log", script.toString(), "check", dir.toString());
        for (String row : ours) {
            assertThat(checked).contains("OK " + row.substring(0, row.indexOf('\t')) + "\n");
        }
        assertThat(checked).contains("checked " + ours.size() + " packets, 0 failed");
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
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
