package org.mip6kit.wire.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.testing.HostRequirements;
import org.mip6kit.wire.AlternateCareOfAddress;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingAuthorizationData;
import org.mip6kit.wire.BindingError;
import org.mip6kit.wire.BindingRefreshAdvice;
import org.mip6kit.wire.BindingRefreshRequest;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.CareOfTest;
import org.mip6kit.wire.CareOfTestInit;
import org.mip6kit.wire.FormatReaction;
import org.mip6kit.wire.HomeTest;
import org.mip6kit.wire.HomeTestInit;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv4AddressAcknowledgement;
import org.mip6kit.wire.Ipv4CareOfAddress;
import org.mip6kit.wire.Ipv4HomeAddressRequest;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobileNetworkPrefix;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.NatDetection;
import org.mip6kit.wire.NonceIndices;
import org.mip6kit.wire.UnknownOption;
import org.mip6kit.wire.packet.MobilityPacket;
import org.mip6kit.wire.packet.MobilityPacketParser;
import org.mip6kit.wire.packet.UdpEncapsulation;

/**
 * scapy → mip6kit: Mobility Header packets built by scapy 2.5's own MIPv6 classes (an
 * implementation we did not write) decode with mip6kit to exactly the field values scapy reads
 * back from the same octets.
 *
 * <p>{@code interop/scapy_mobility_messages.py} builds a fresh random set each run (the seed is
 * printed; replay with {@code -Dmip6kit.interop.seed=N}): all eight RFC 6275 message types,
 * scapy's option classes (Nonce Indices and Binding Authorization Data with the right lengths,
 * docs/protocol-notes.md#scapy-quirks), RFC 5555 options 29–32 and truly unknown types as
 * {@code MIP6OptUnknown}, BUs with a Home Address option and BAs with a type 2 routing header
 * so that scapy's own pseudo-header logic picks the checksum addresses, some inside IPv4/UDP
 * 4191. scapy inserts Pad1/PadN; mip6kit drops padding, so only non-padding options are
 * compared, in order.
 */
@Tag("large")
class ScapyInteropTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String SCRIPT = "/interop/scapy_mobility_messages.py";
    private static final int MESSAGES = 300;
    private static final Duration SCAPY_TIMEOUT = Duration.ofSeconds(90);
    private static final int MAX_REPORTED_FAILURES = 10;
    private static final HexFormat HEX = HexFormat.of();
    private static final MobilityHeaderCodec CODEC = MobilityHeaderCodec.standard();

    @TempDir
    static Path workDir;

    private static long seed;
    private static List<JsonNode> messages;
    private static JsonNode negative;

    @BeforeAll
    static void buildPacketsWithScapy() throws Exception {
        HostRequirements.pythonModule(PYTHON, "scapy", "python3-scapy");
        seed = InteropSeed.choose("ScapyInteropTest");
        ExternalCommand.Result result = ExternalCommand.run("scapy",
                List.of(PYTHON.toString(), "-B", script().toString(), Long.toString(seed), Integer.toString(MESSAGES)),
                workDir, SCAPY_TIMEOUT, Map.of("PYTHONDONTWRITEBYTECODE", "1")).requireSuccess();
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> found = new ArrayList<>();
        JsonNode foundNegative = null;
        for (String line : Files.readAllLines(result.stdout(), StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode record = json.readTree(line);
            if ("negative".equals(record.path("kind").asText())) {
                foundNegative = record;
            } else {
                found.add(record);
            }
        }
        messages = List.copyOf(found);
        negative = foundNegative;
        assertEquals(MESSAGES, messages.size(), "scapy records; stderr:\n" + result.stderr());
        assertTrue(negative != null, "the script printed no negative case");
    }

    // ------------------------------------------------------------------ tests

    @Test
    void scapySetCoversEveryMessageTypeOptionAndEncapsulation() {
        Set<Integer> types = new TreeSet<>();
        Set<Integer> optionTypes = new TreeSet<>();
        int unknownTypes = 0;
        int homeAddressOptions = 0;
        int routingHeaders = 0;
        int udp = 0;
        for (JsonNode r : messages) {
            types.add(r.get("expect").get("mhtype").asInt());
            for (JsonNode o : r.get("expect").get("options")) {
                int t = o.get("type").asInt();
                if (t == 7 || (t >= 9 && t <= 28) || t > 32) {
                    unknownTypes++;
                } else {
                    optionTypes.add(t);
                }
            }
            homeAddressOptions += r.get("hao").isNull() ? 0 : 1;
            routingHeaders += r.get("rh2").isNull() ? 0 : 1;
            udp += r.get("udp").isNull() ? 0 : 1;
        }
        String why = " (" + InteropSeed.replayHint(seed) + ")";
        assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7), types, "message types" + why);
        assertEquals(Set.of(2, 3, 4, 5, 6, 8, 29, 30, 31, 32), optionTypes, "option types" + why);
        assertTrue(unknownTypes >= 10, "unknown options: " + unknownTypes + why);
        assertTrue(homeAddressOptions >= 10, "BUs with a Home Address option: " + homeAddressOptions + why);
        assertTrue(routingHeaders >= 10, "BAs with a type 2 routing header: " + routingHeaders + why);
        assertTrue(udp >= 3, "IPv4/UDP-encapsulated packets: " + udp + why);
    }

    @Test
    void packetParserFindsTheMobilityHeaderAndScapysPseudoHeaderAddresses() {
        forEachRecord(r -> {
            MobilityPacket packet = MobilityPacketParser.parse(hex(r, "packet"));
            assertArrayEquals(hex(r, "mh"), packet.mobilityHeader(), "Mobility Header octets");
            // scapy's in6_pseudoheader: HoA from the Home Address option as source, RH2's last
            // address as destination (RFC 6275 §6.1.1, docs/protocol-notes.md#checksum-addresses)
            assertEquals(address(r, "pseudo_src"), packet.pseudoHeaderSource(), "pseudo-header source");
            assertEquals(address(r, "pseudo_dst"), packet.pseudoHeaderDestination(), "pseudo-header destination");
            assertEquals(optionalAddress(r, "hao"), packet.homeAddressOption().orElse(null), "Home Address option");
            assertEquals(optionalAddress(r, "rh2"), packet.type2RoutingHeader().orElse(null), "type 2 routing header");
            JsonNode udp = r.get("udp");
            if (udp.isNull()) {
                assertTrue(packet.udpEncapsulation().isEmpty(), "no UDP encapsulation expected");
            } else {
                UdpEncapsulation.OverIpv4 v4 = assertInstanceOf(UdpEncapsulation.OverIpv4.class,
                        packet.udpEncapsulation().orElse(null), "IPv4/UDP encapsulation");
                assertEquals(Ipv4Address.parse(udp.get("src").asText()), v4.source(), "outer IPv4 source");
                assertEquals(Ipv4Address.parse(udp.get("dst").asText()), v4.destination(), "outer IPv4 destination");
                assertEquals(udp.get("sport").asInt(), v4.sourcePort(), "UDP source port");
                assertEquals(udp.get("dport").asInt(), v4.destinationPort(), "UDP destination port");
            }
        });
    }

    @Test
    void everyScapyMessageDecodesWithVerifiedChecksumToTheFieldsScapyReadsBack() {
        forEachRecord(r -> {
            byte[] mh = hex(r, "mh");
            JsonNode e = r.get("expect");
            // decode() verifies the checksum scapy computed with its own pseudo-header
            MobilityMessage m = CODEC.decode(mh, address(r, "pseudo_src"), address(r, "pseudo_dst"));
            assertEquals(59, e.get("nh").asInt(), "scapy Payload Proto");
            assertEquals(e.get("mhtype").asInt(), m.type().code(), "MH Type");
            assertEquals(e.get("len").asInt(), mh[1] & 0xFF, "Header Len");
            assertEquals((e.get("len").asInt() + 1) * 8, mh.length, "scapy's Header Len against the octet count");
            assertEquals(e.get("cksum").asInt(), ((mh[4] & 0xFF) << 8) | (mh[5] & 0xFF), "Checksum field");
            checkFixedPart(e, m);
            checkOptions(e.get("options"), m.options());
        });
    }

    @Test
    void rejectsTv4BuiltWithScapysDefaultNonceIndicesAndAuthorizationDataLengths() throws Exception {
        byte[] mh = hex(negative, "mh");
        // docs/protocol-notes.md#test-vectors (the negative case): scapy's defaults emit Length 16 for both options
        assertEquals("3b030500d948000580000069" + "0410" + "00030004" + "0510" + "00".repeat(12),
                HEX.formatHex(mh), "scapy should build the malformed TV4 of docs/protocol-notes.md#test-vectors");
        Ipv6Address source = address(negative, "pseudo_src");
        Ipv6Address destination = address(negative, "pseudo_dst");
        MobilityPacket packet = MobilityPacketParser.parse(hex(negative, "packet"));
        assertEquals(source, packet.pseudoHeaderSource(), "pseudo-header source (HoA)");
        assertTrue(MobilityHeaderCodec.checksumValid(mh, source, destination),
                "scapy's checksum verifies, so only the option format can make decoding fail");
        MobilityHeaderFormatException e = assertThrows(MobilityHeaderFormatException.class,
                () -> CODEC.decode(mh, source, destination));
        assertEquals(FormatReaction.SILENT_DISCARD, e.reaction(), e.getMessage());
        assertTrue(e.field().contains("Nonce Indices"), "the first bad option is Nonce Indices: " + e.field());
        assertEquals(13, e.offset(), "offset of the Nonce Indices Length octet: " + e.getMessage());
    }

    // ------------------------------------------------------------------ fixed parts

    private static void checkFixedPart(JsonNode e, MobilityMessage m) {
        if (m instanceof BindingRefreshRequest) {
            return;
        }
        if (m instanceof HomeTestInit hoti) {
            assertEquals(e.get("cookie").asText(), hex64(hoti.homeInitCookie()), "Home Init Cookie");
        } else if (m instanceof CareOfTestInit coti) {
            assertEquals(e.get("cookie").asText(), hex64(coti.careOfInitCookie()), "Care-of Init Cookie");
        } else if (m instanceof HomeTest hot) {
            assertEquals(e.get("index").asInt(), hot.homeNonceIndex(), "Home Nonce Index");
            assertEquals(e.get("cookie").asText(), hex64(hot.homeInitCookie()), "Home Init Cookie");
            assertEquals(e.get("token").asText(), hex64(hot.homeKeygenToken()), "Home Keygen Token");
        } else if (m instanceof CareOfTest cot) {
            assertEquals(e.get("index").asInt(), cot.careOfNonceIndex(), "Care-of Nonce Index");
            assertEquals(e.get("cookie").asText(), hex64(cot.careOfInitCookie()), "Care-of Init Cookie");
            assertEquals(e.get("token").asText(), hex64(cot.careOfKeygenToken()), "Care-of Keygen Token");
        } else if (m instanceof BindingUpdate bu) {
            assertEquals(e.get("seq").asInt(), bu.sequence().value(), "BU Sequence #");
            assertEquals(e.get("mhtime").asInt(), bu.lifetime().units(), "BU Lifetime");
            checkBindingUpdateFlags(e, bu);
        } else if (m instanceof BindingAcknowledgement ba) {
            assertEquals(e.get("status").asInt(), ba.status().code(), "BA Status code");
            assertEquals(e.get("seq").asInt(), ba.sequence().value(), "BA Sequence #");
            assertEquals(e.get("mhtime").asInt(), ba.lifetime().units(), "BA Lifetime");
            checkBindingAckFlags(e, ba);
        } else if (m instanceof BindingError be) {
            assertEquals(e.get("status").asInt(), be.status().code(), "BE Status code");
            assertEquals(Ipv6Address.parse(e.get("ha").asText()), be.homeAddress(), "BE Home Address");
        } else {
            fail("unexpected message class " + m.getClass().getName());
        }
    }

    /**
     * scapy splits the BU flags into a 7-bit field named "PRMKLHA" (least significant bit
     * first) and a 9-bit "reserved" field that holds F (0x100), T, B, S, D and 4 reserved bits
     * (docs/protocol-notes.md#scapy-quirks). Every letter scapy reports must be the mip6kit flag with that letter,
     * and every defined bit must agree.
     */
    private static void checkBindingUpdateFlags(JsonNode e, BindingUpdate bu) {
        Set<Character> scapyLetters = letters(e.get("letters"));
        for (BindingUpdate.Flag flag : BindingUpdate.Flag.values()) {
            if ("PRMKLHA".indexOf(flag.letter()) >= 0) {
                assertEquals(scapyLetters.contains(flag.letter()), bu.has(flag), "BU flag " + flag.letter()
                        + " (scapy letters " + scapyLetters + ")");
            }
        }
        int wire = e.get("wire_flags").asInt();
        assertEquals((e.get("reserved").asInt() & 0x100) != 0, bu.has(BindingUpdate.Flag.FORCE_UDP_ENCAPSULATION),
                "BU F flag = top bit of scapy's 'reserved' field");
        for (BindingUpdate.Flag flag : BindingUpdate.Flag.values()) {
            assertEquals((wire & flag.mask()) != 0, bu.has(flag), "BU flag " + flag.letter() + " by bit 0x"
                    + Integer.toHexString(flag.mask()));
        }
        // The 4 reserved bits below D are not flags: mip6kit ignores them on receipt.
        assertEquals(wire & BindingUpdate.DEFINED_FLAG_BITS, bu.flagBits(), "BU defined flag bits");
    }

    /** scapy: 3-bit "PRK" flags (K = 0x80) then a 5-bit "res2" holding T, B, S, D and one reserved bit. */
    private static void checkBindingAckFlags(JsonNode e, BindingAcknowledgement ba) {
        Set<Character> scapyLetters = letters(e.get("letters"));
        for (BindingAcknowledgement.Flag flag : BindingAcknowledgement.Flag.values()) {
            if ("PRK".indexOf(flag.letter()) >= 0) {
                assertEquals(scapyLetters.contains(flag.letter()), ba.has(flag), "BA flag " + flag.letter()
                        + " (scapy letters " + scapyLetters + ")");
            }
        }
        int wire = e.get("wire_flags").asInt();
        for (BindingAcknowledgement.Flag flag : BindingAcknowledgement.Flag.values()) {
            assertEquals((wire & flag.mask()) != 0, ba.has(flag), "BA flag " + flag.letter() + " by bit 0x"
                    + Integer.toHexString(flag.mask()));
        }
        assertEquals(wire & 0xFE, ba.flagBits(), "BA defined flag bits (0x01 is reserved)");
    }

    // ------------------------------------------------------------------ options

    private static void checkOptions(JsonNode expected, List<MobilityOption> actual) {
        List<Integer> expectedTypes = new ArrayList<>();
        expected.forEach(o -> expectedTypes.add(o.get("type").asInt()));
        List<Integer> actualTypes = actual.stream().map(MobilityOption::type).toList();
        assertEquals(expectedTypes, actualTypes, "non-padding option types, in order");
        for (int i = 0; i < actual.size(); i++) {
            checkOption(expected.get(i), actual.get(i), "option " + i + " (type " + expectedTypes.get(i) + ")");
        }
    }

    private static void checkOption(JsonNode e, MobilityOption o, String where) {
        int type = e.get("type").asInt();
        switch (type) {
            case BindingRefreshAdvice.TYPE -> assertEquals(e.get("rinter").asInt(),
                    assertInstanceOf(BindingRefreshAdvice.class, o, where).refreshInterval().units(),
                    where + " Refresh Interval");
            case AlternateCareOfAddress.TYPE -> assertEquals(Ipv6Address.parse(e.get("acoa").asText()),
                    assertInstanceOf(AlternateCareOfAddress.class, o, where).address(), where + " address");
            case NonceIndices.TYPE -> {
                NonceIndices ni = assertInstanceOf(NonceIndices.class, o, where);
                assertEquals(4, e.get("olen").asInt(), where + " scapy olen (must be passed as 4)");
                assertEquals(e.get("hni").asInt(), ni.homeNonceIndex(), where + " Home Nonce Index");
                assertEquals(e.get("coni").asInt(), ni.careOfNonceIndex(), where + " Care-of Nonce Index");
            }
            case BindingAuthorizationData.TYPE -> {
                BindingAuthorizationData bad = assertInstanceOf(BindingAuthorizationData.class, o, where);
                assertEquals(12, e.get("olen").asInt(), where + " scapy olen (must be passed as 12)");
                assertEquals(e.get("authenticator").asText(), HEX.formatHex(bad.authenticator()),
                        where + " Authenticator");
            }
            case MobileNetworkPrefix.TYPE -> {
                MobileNetworkPrefix mnp = assertInstanceOf(MobileNetworkPrefix.class, o, where);
                assertEquals(e.get("plen").asInt(), mnp.prefixLength(), where + " Prefix Length");
                assertEquals(Ipv6Address.parse(e.get("prefix").asText()), mnp.prefix(), where + " Prefix");
            }
            case MobileNodeIdentifier.TYPE -> {
                MobileNodeIdentifier id = assertInstanceOf(MobileNodeIdentifier.class, o, where);
                assertEquals(e.get("subtype").asInt(), id.subtype(), where + " Subtype");
                byte[] identifier = HEX.parseHex(e.get("id").asText());
                assertArrayEquals(identifier, id.identifier(), where + " Identifier");
                if (id.subtype() == MobileNodeIdentifier.SUBTYPE_NAI) {
                    assertTrue(id.isNai(), where + " is an NAI");
                    assertEquals(new String(identifier, StandardCharsets.US_ASCII), id.nai(), where + " NAI");
                }
            }
            case Ipv4HomeAddressRequest.TYPE -> {
                JsonNode f = e.get("rfc5555");
                Ipv4HomeAddressRequest hoa = assertInstanceOf(Ipv4HomeAddressRequest.class, o, where);
                assertEquals(f.get("plen").asInt(), hoa.prefixLength(), where + " Prefix-len");
                assertEquals(f.get("p").asInt() == 1, hoa.mobileNetworkPrefixRequested(), where + " P flag");
                assertEquals(Ipv4Address.parse(f.get("addr").asText()), hoa.address(), where + " IPv4 home address");
            }
            case Ipv4AddressAcknowledgement.TYPE -> {
                JsonNode f = e.get("rfc5555");
                Ipv4AddressAcknowledgement ack = assertInstanceOf(Ipv4AddressAcknowledgement.class, o, where);
                assertEquals(f.get("status").asInt(), ack.status().code(), where + " Status code");
                assertEquals(f.get("plen").asInt(), ack.prefixLength(), where + " Pref-len");
                assertEquals(Ipv4Address.parse(f.get("addr").asText()), ack.address(), where + " IPv4 home address");
            }
            case NatDetection.TYPE -> {
                JsonNode f = e.get("rfc5555");
                NatDetection nat = assertInstanceOf(NatDetection.class, o, where);
                assertEquals(f.get("f").asInt() == 1, nat.forceUdpEncapsulation(), where + " F flag");
                assertEquals(f.get("refresh").asLong(), nat.refreshTimeSeconds(), where + " Refresh time");
            }
            case Ipv4CareOfAddress.TYPE -> assertEquals(Ipv4Address.parse(e.get("rfc5555").get("addr").asText()),
                    assertInstanceOf(Ipv4CareOfAddress.class, o, where).address(), where + " IPv4 care-of address");
            default -> {
                // Types the standard registry does not know, including scapy's RFC 4285
                // MIP6OptMsgAuth (9) and MIP6OptReplayProtection (10): kept as type + data.
                UnknownOption u = assertInstanceOf(UnknownOption.class, o, where + " (" + e.get("scapy_class") + ")");
                assertEquals(type, u.type(), where + " type");
                assertEquals(e.get("data").asText(), HEX.formatHex(u.data()), where + " data");
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    @FunctionalInterface
    private interface RecordCheck {
        void check(JsonNode record) throws Exception;
    }

    /** Runs {@code check} on every record and reports all failures together, with the seed. */
    private static void forEachRecord(RecordCheck check) {
        List<String> failures = new ArrayList<>();
        for (JsonNode r : messages) {
            try {
                check.check(r);
            } catch (AssertionError | Exception e) {
                failures.add("#" + r.get("index").asInt() + " " + r.get("summary").asText() + ": " + e
                        + "\n    packet " + r.get("packet").asText());
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + messages.size() + " scapy packets failed, "
                    + InteropSeed.replayHint(seed) + ":\n"
                    + String.join("\n", failures.subList(0, Math.min(MAX_REPORTED_FAILURES, failures.size()))));
        }
    }

    private static Set<Character> letters(JsonNode array) {
        Set<Character> out = new TreeSet<>();
        array.forEach(l -> out.add(l.asText().charAt(0)));
        return out;
    }

    private static byte[] hex(JsonNode r, String field) {
        return HEX.parseHex(r.get(field).asText());
    }

    private static Ipv6Address address(JsonNode r, String field) {
        return Ipv6Address.parse(r.get(field).asText());
    }

    private static Ipv6Address optionalAddress(JsonNode r, String field) {
        JsonNode n = r.get(field);
        return n.isNull() ? null : Ipv6Address.parse(n.asText());
    }

    private static String hex64(long value) {
        return String.format("%016x", value);
    }

    private static Path script() throws URISyntaxException {
        URL url = ScapyInteropTest.class.getResource(SCRIPT);
        if (url == null) {
            fail(SCRIPT + " is not on the test class path");
        }
        return Path.of(url.toURI());
    }
}
