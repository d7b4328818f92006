package org.mip6kit.wire.property;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCases;
import net.jqwik.api.ExhaustiveGenerator;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Tuple;
import net.jqwik.api.arbitraries.ListArbitrary;

import org.mip6kit.wire.Alignment;
import org.mip6kit.wire.AlternateCareOfAddress;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingAuthorizationData;
import org.mip6kit.wire.BindingError;
import org.mip6kit.wire.BindingErrorStatus;
import org.mip6kit.wire.BindingRefreshAdvice;
import org.mip6kit.wire.BindingRefreshRequest;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.CareOfTest;
import org.mip6kit.wire.CareOfTestInit;
import org.mip6kit.wire.HomeTest;
import org.mip6kit.wire.HomeTestInit;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv4AddressAckStatus;
import org.mip6kit.wire.Ipv4AddressAcknowledgement;
import org.mip6kit.wire.Ipv4CareOfAddress;
import org.mip6kit.wire.Ipv4HomeAddressRequest;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNetworkPrefix;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderType;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.MobilityOptionRegistry;
import org.mip6kit.wire.NatDetection;
import org.mip6kit.wire.NonceIndices;
import org.mip6kit.wire.SequenceNumber;
import org.mip6kit.wire.UnknownOption;

/**
 * jqwik arbitraries for the Mobility Header wire codec (RFC 6275 §6.1, §6.2; RFC 3963, 4283,
 * 5555): every message type of RFC 6275 and every option of
 * {@link MobilityOptionRegistry#standard()} over its full value range, option lists that stay
 * within {@link MobilityHeaderCodec#MAX_LENGTH}, and wire inputs for the decoder.
 *
 * <p>The layout model here ({@link #canonicalLength}, {@link #optionDataLength},
 * {@link #fixedPartEnd}) is written from the tables of docs/protocol-reference.md#message-layouts
 * and docs/protocol-reference.md#mobility-options, not from the encoder,
 * so the properties can compare the encoder against it.
 *
 * <p>Wire inputs ({@link #wireInputs()}) are biased toward well-framed octets so the decoder's
 * option paths run, not only its framing check: random octets, framed random octets, framed
 * random option TLVs (with the lengths each codec expects, near misses and random ones),
 * mutations of valid encodings, and valid but non-canonical layouts.
 */
public final class MobilityArbitraries {

    /** The registry whose codecs the arbitraries cover. */
    public static final MobilityOptionRegistry REGISTRY = MobilityOptionRegistry.standard();

    /** Option types with no codec in {@link #REGISTRY}: 7, 9..28 and 33..255 today. */
    public static final List<Integer> UNKNOWN_OPTION_TYPES = IntStream.rangeClosed(2, 255)
            .filter(t -> REGISTRY.codec(t).isEmpty())
            .boxed()
            .toList();

    /** Types that have a codec in {@link #REGISTRY}. */
    public static final List<Integer> REGISTERED_OPTION_TYPES = IntStream.rangeClosed(2, 255)
            .filter(t -> REGISTRY.codec(t).isPresent())
            .boxed()
            .toList();

    /** Most options in one generated list before it is cut to fit {@link MobilityHeaderCodec#MAX_LENGTH}. */
    public static final int MAX_OPTIONS = 24;

    /**
     * Most generated options in the messages the wire inputs start from: enough to meet every
     * codec, few enough to draw 100 000 inputs quickly.
     */
    public static final int WIRE_INPUT_MAX_OPTIONS = 8;

    /** Longest octet string the decoder is fed (a little past MAX_LENGTH). */
    public static final int MAX_WIRE_LENGTH = 2100;

    /** Largest NAI: a 255-octet option less its subtype octet (RFC 4283 §3). */
    public static final int MAX_NAI_OCTETS = MobileNodeIdentifier.MAX_IDENTIFIER_LENGTH;

    private static final MobilityHeaderCodec CODEC = MobilityHeaderCodec.standard();
    private static final int PAD1 = 0;
    private static final int PADN = 1;

    private MobilityArbitraries() {
    }

    // ------------------------------------------------------------------ values

    /** Any 128-bit address, with IPv4-mapped, unspecified and all-ones addresses mixed in. */
    public static Arbitrary<Ipv6Address> ipv6Addresses() {
        return choice(
                weighted(12, Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(Ipv6Address::of)),
                weighted(2, ipv4Addresses().map(Ipv6Address::ipv4Mapped)),
                weighted(1, Arbitraries.just(Ipv6Address.UNSPECIFIED)),
                weighted(1, Arbitraries.just(Ipv6Address.of(-1L, -1L))));
    }

    /** Any 32-bit address (0.0.0.0 and 255.255.255.255 included). */
    public static Arbitrary<Ipv4Address> ipv4Addresses() {
        return Arbitraries.integers().map(Ipv4Address::of);
    }

    /** 0..65535. */
    public static Arbitrary<Integer> unsigned16() {
        return Arbitraries.integers().between(0, 0xFFFF);
    }

    public static Arbitrary<SequenceNumber> sequenceNumbers() {
        return unsigned16().map(SequenceNumber::of);
    }

    /** Lifetimes of 0..65535 units of 4 s. */
    public static Arbitrary<Lifetime> lifetimes() {
        return unsigned16().map(Lifetime::ofUnits);
    }

    /** Cookies, keygen tokens: the full signed 64-bit range. */
    public static Arbitrary<Long> cookies() {
        return Arbitraries.longs();
    }

    /** Every code 0..255, assigned or not. */
    public static Arbitrary<BindingAckStatus> bindingAckStatuses() {
        return Arbitraries.integers().between(0, 255).map(BindingAckStatus::of);
    }

    public static Arbitrary<BindingErrorStatus> bindingErrorStatuses() {
        return Arbitraries.integers().between(0, 255).map(BindingErrorStatus::of);
    }

    public static Arbitrary<Ipv4AddressAckStatus> ipv4AddressAckStatuses() {
        return Arbitraries.integers().between(0, 255).map(Ipv4AddressAckStatus::of);
    }

    /** Every combination of the twelve BU flags (a bit mask over the enum, cheaper than subsetOf). */
    public static Arbitrary<Set<BindingUpdate.Flag>> bindingUpdateFlags() {
        return flagCombinations(BindingUpdate.Flag.class);
    }

    /** Every combination of the seven BA flags. */
    public static Arbitrary<Set<BindingAcknowledgement.Flag>> bindingAckFlags() {
        return flagCombinations(BindingAcknowledgement.Flag.class);
    }

    private static <E extends Enum<E>> Arbitrary<Set<E>> flagCombinations(Class<E> flags) {
        E[] all = flags.getEnumConstants();
        return Arbitraries.integers().between(0, (1 << all.length) - 1).map(bits -> {
            Set<E> set = EnumSet.noneOf(flags);
            for (E f : all) {
                if ((bits & (1 << f.ordinal())) != 0) {
                    set.add(f);
                }
            }
            return set;
        });
    }

    /**
     * Durations of 0 s up to the largest {@link Duration}, with any nanoseconds, crowded around
     * the 262 140 s ceiling of the lifetime field.
     */
    public static Arbitrary<Duration> nonNegativeDurations() {
        Arbitrary<Long> seconds = choice(
                weighted(4, Arbitraries.longs().between(0, 300_000)),
                weighted(2, Arbitraries.longs().between(Lifetime.MAX.seconds() - 8, Lifetime.MAX.seconds() + 8)),
                weighted(1, Arbitraries.longs().between(0, Long.MAX_VALUE)));
        return Combinators.combine(seconds, Arbitraries.longs().between(0, 999_999_999))
                .as(Duration::ofSeconds);
    }

    /** Durations below zero, down to the smallest {@link Duration}. */
    public static Arbitrary<Duration> negativeDurations() {
        Arbitrary<Long> seconds = choice(
                weighted(3, Arbitraries.longs().between(-300_000, -1)),
                weighted(1, Arbitraries.longs().between(Long.MIN_VALUE, -1)));
        return Combinators.combine(seconds, Arbitraries.longs().between(0, 999_999_999))
                .as(Duration::ofSeconds);
    }

    // ----------------------------------------------------------------- options

    public static Arbitrary<BindingRefreshAdvice> bindingRefreshAdvices() {
        return lifetimes().map(BindingRefreshAdvice::new);
    }

    public static Arbitrary<AlternateCareOfAddress> alternateCareOfAddresses() {
        return ipv6Addresses().map(AlternateCareOfAddress::new);
    }

    public static Arbitrary<NonceIndices> nonceIndices() {
        return Combinators.combine(unsigned16(), unsigned16()).as(NonceIndices::new);
    }

    public static Arbitrary<BindingAuthorizationData> bindingAuthorizationData() {
        return octets(BindingAuthorizationData.AUTHENTICATOR_LENGTH, BindingAuthorizationData.AUTHENTICATOR_LENGTH)
                .map(BindingAuthorizationData::new);
    }

    /** Prefix lengths 0..128 with any 128 bits (the codec does not require host bits to be 0). */
    public static Arbitrary<MobileNetworkPrefix> mobileNetworkPrefixes() {
        return Combinators.combine(Arbitraries.integers().between(0, 128), ipv6Addresses()).as(MobileNetworkPrefix::new);
    }

    /** Which characters an NAI is drawn from. */
    public enum NaiCharacters {
        PRINTABLE_ASCII, ANY_ASCII, MIXED, MULTIBYTE_ONLY
    }

    /**
     * NAI text whose UTF-8 form is 1..254 octets: printable ASCII, any ASCII, or a mix of one-
     * to four-octet characters (no lone surrogates, which UTF-8 cannot carry), sometimes
     * filled with 'x' to exactly 254 octets. Characters come from a seed so that 100 000
     * messages stay cheap; the text shrinks by length, toward printable ASCII, and by seed.
     */
    public static Arbitrary<String> nais() {
        return Combinators.combine(Arbitraries.integers().between(1, MAX_NAI_OCTETS), Arbitraries.of(NaiCharacters.class),
                        Arbitraries.longs(), Arbitraries.frequency(Tuple.of(5, false), Tuple.of(1, true)))
                .as(MobilityArbitraries::nai);
    }

    static String nai(int targetOctets, NaiCharacters characters, long seed, boolean fillToMaximum) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        int octets = 0;
        while (octets < targetOctets) {
            int cp = switch (characters) {
                case PRINTABLE_ASCII -> random.nextInt(0x21, 0x7F);
                case ANY_ASCII -> random.nextInt(0x00, 0x80);
                case MIXED -> codePointOfWidth(random, 1 + random.nextInt(4));
                case MULTIBYTE_ONLY -> codePointOfWidth(random, 2 + random.nextInt(3));
            };
            int n = utf8Width(cp);
            if (octets + n > targetOctets) {
                break;
            }
            sb.appendCodePoint(cp);
            octets += n;
        }
        if (octets == 0) {
            sb.append('x');
            octets = 1;
        }
        while (fillToMaximum && octets < MAX_NAI_OCTETS) {
            sb.append('x');
            octets++;
        }
        return sb.toString();
    }

    private static int codePointOfWidth(SplittableRandom random, int width) {
        return switch (width) {
            case 1 -> random.nextInt(0x00, 0x80);
            case 2 -> random.nextInt(0x80, 0x800);
            case 3 -> {
                int cp = random.nextInt(0x800, 0x10000 - 0x800);
                yield cp < 0xD800 ? cp : cp + 0x800; // skip the surrogates D800..DFFF
            }
            default -> random.nextInt(0x10000, Character.MAX_CODE_POINT + 1);
        };
    }

    private static int utf8Width(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    /** NAIs (subtype 1) and any other subtype 0..255 with 1..254 arbitrary octets. */
    public static Arbitrary<MobileNodeIdentifier> mobileNodeIdentifiers() {
        return choice(
                weighted(3, nais().map(MobileNodeIdentifier::nai)),
                weighted(2, Combinators.combine(Arbitraries.integers().between(0, 255), octets(1, MAX_NAI_OCTETS))
                        .as(MobileNodeIdentifier::new)));
    }

    /** Prefix lengths 0..32, P set or clear, any address (0.0.0.0 asks for allocation). */
    public static Arbitrary<Ipv4HomeAddressRequest> ipv4HomeAddressRequests() {
        return Combinators.combine(Arbitraries.integers().between(0, 32), Arbitraries.of(true, false), ipv4Addresses())
                .as(Ipv4HomeAddressRequest::new);
    }

    public static Arbitrary<Ipv4AddressAcknowledgement> ipv4AddressAcknowledgements() {
        return Combinators.combine(ipv4AddressAckStatuses(), Arbitraries.integers().between(0, 32), ipv4Addresses())
                .as(Ipv4AddressAcknowledgement::new);
    }

    /** F set or clear, refresh time 0..2^32-1 (0xFFFFFFFF: no keepalives). */
    public static Arbitrary<NatDetection> natDetections() {
        Arbitrary<Long> refresh = choice(
                weighted(8, Arbitraries.longs().between(0, 0xFFFF_FFFFL)),
                weighted(1, Arbitraries.of(0L, NatDetection.RECOMMENDED_REFRESH_SECONDS, 0x7FFF_FFFFL,
                        0x8000_0000L, NatDetection.NO_KEEPALIVE)));
        return Combinators.combine(Arbitraries.of(true, false), refresh).as(NatDetection::new);
    }

    public static Arbitrary<Ipv4CareOfAddress> ipv4CareOfAddresses() {
        return ipv4Addresses().map(Ipv4CareOfAddress::new);
    }

    /** A type with no codec in the standard registry. */
    public static Arbitrary<Integer> unknownOptionTypes() {
        return Arbitraries.of(UNKNOWN_OPTION_TYPES);
    }

    /** An option of a type with no codec, carrying 0..255 octets. */
    public static Arbitrary<UnknownOption> unknownOptions() {
        return Combinators.combine(unknownOptionTypes(), octets(0, 255)).as(UnknownOption::new);
    }

    /** Any option of the standard registry, each type equally likely. */
    public static Arbitrary<MobilityOption> standardOptions() {
        return MobilityArbitraries.<MobilityOption>choice(
                weighted(1, bindingRefreshAdvices()), weighted(1, alternateCareOfAddresses()), weighted(1, nonceIndices()),
                weighted(1, bindingAuthorizationData()), weighted(1, mobileNetworkPrefixes()),
                weighted(1, mobileNodeIdentifiers()), weighted(1, ipv4HomeAddressRequests()),
                weighted(1, ipv4AddressAcknowledgements()), weighted(1, natDetections()), weighted(1, ipv4CareOfAddresses()));
    }

    /** Standard options and, one time in four, an unknown option. */
    public static Arbitrary<MobilityOption> options() {
        return MobilityArbitraries.<MobilityOption>choice(
                weighted(3, standardOptions()),
                weighted(1, unknownOptions()));
    }

    /**
     * Lists of 0..{@link #MAX_OPTIONS} options for a message whose options start at
     * {@code fixedPartEnd}, cut to the longest prefix that encodes within
     * {@link MobilityHeaderCodec#MAX_LENGTH}; one list in ten is then filled with unknown
     * options to exactly MAX_LENGTH.
     */
    public static Arbitrary<List<MobilityOption>> optionLists(int fixedPartEnd) {
        return optionLists(fixedPartEnd, MAX_OPTIONS);
    }

    /** As {@link #optionLists(int)}, with at most {@code maxOptions} options before the fill. */
    public static Arbitrary<List<MobilityOption>> optionLists(int fixedPartEnd, int maxOptions) {
        ListArbitrary<MobilityOption> raw = options().list().ofMaxSize(maxOptions)
                .withSizeDistribution(RandomDistribution.uniform());
        Arbitrary<List<MobilityOption>> fitted = raw.map(l -> fit(fixedPartEnd, l));
        Arbitrary<List<MobilityOption>> filled = Combinators.combine(raw, unknownOptionTypes(), Arbitraries.bytes())
                .as((l, type, fill) -> fillToMaximum(fixedPartEnd, fit(fixedPartEnd, l), type, fill));
        return choice(weighted(9, fitted), weighted(1, filled));
    }

    private static List<MobilityOption> fit(int fixedPartEnd, List<MobilityOption> options) {
        List<MobilityOption> out = new ArrayList<>();
        int end = fixedPartEnd;
        for (MobilityOption o : options) {
            int next = optionStart(end, o) + 2 + optionDataLength(o);
            if (roundUpTo8(next) > MobilityHeaderCodec.MAX_LENGTH) {
                break;
            }
            out.add(o);
            end = next;
        }
        return out;
    }

    private static List<MobilityOption> fillToMaximum(int fixedPartEnd, List<MobilityOption> options, int type, byte fill) {
        List<MobilityOption> out = new ArrayList<>(options);
        int end = optionsEnd(fixedPartEnd, options);
        while (MobilityHeaderCodec.MAX_LENGTH - end >= 2) {
            byte[] data = new byte[Math.min(255, MobilityHeaderCodec.MAX_LENGTH - end - 2)];
            Arrays.fill(data, fill);
            out.add(new UnknownOption(type, data));
            end += 2 + data.length;
        }
        return out;
    }

    // ---------------------------------------------------------------- messages

    public static Arbitrary<BindingRefreshRequest> bindingRefreshRequests() {
        return bindingRefreshRequests(MAX_OPTIONS);
    }

    public static Arbitrary<BindingRefreshRequest> bindingRefreshRequests(int maxOptions) {
        return optionLists(fixedPartEnd(MobilityHeaderType.BINDING_REFRESH_REQUEST), maxOptions)
                .map(BindingRefreshRequest::new);
    }

    public static Arbitrary<HomeTestInit> homeTestInits() {
        return homeTestInits(MAX_OPTIONS);
    }

    public static Arbitrary<HomeTestInit> homeTestInits(int maxOptions) {
        return Combinators.combine(cookies(), optionLists(fixedPartEnd(MobilityHeaderType.HOME_TEST_INIT), maxOptions))
                .as(HomeTestInit::new);
    }

    public static Arbitrary<CareOfTestInit> careOfTestInits() {
        return careOfTestInits(MAX_OPTIONS);
    }

    public static Arbitrary<CareOfTestInit> careOfTestInits(int maxOptions) {
        return Combinators.combine(cookies(), optionLists(fixedPartEnd(MobilityHeaderType.CARE_OF_TEST_INIT), maxOptions))
                .as(CareOfTestInit::new);
    }

    public static Arbitrary<HomeTest> homeTests() {
        return homeTests(MAX_OPTIONS);
    }

    public static Arbitrary<HomeTest> homeTests(int maxOptions) {
        return Combinators.combine(unsigned16(), cookies(), cookies(),
                        optionLists(fixedPartEnd(MobilityHeaderType.HOME_TEST), maxOptions))
                .as(HomeTest::new);
    }

    public static Arbitrary<CareOfTest> careOfTests() {
        return careOfTests(MAX_OPTIONS);
    }

    public static Arbitrary<CareOfTest> careOfTests(int maxOptions) {
        return Combinators.combine(unsigned16(), cookies(), cookies(),
                        optionLists(fixedPartEnd(MobilityHeaderType.CARE_OF_TEST), maxOptions))
                .as(CareOfTest::new);
    }

    public static Arbitrary<BindingUpdate> bindingUpdates() {
        return bindingUpdates(MAX_OPTIONS);
    }

    public static Arbitrary<BindingUpdate> bindingUpdates(int maxOptions) {
        return Combinators.combine(sequenceNumbers(), bindingUpdateFlags(), lifetimes(),
                        optionLists(fixedPartEnd(MobilityHeaderType.BINDING_UPDATE), maxOptions))
                .as(BindingUpdate::new);
    }

    public static Arbitrary<BindingAcknowledgement> bindingAcknowledgements() {
        return bindingAcknowledgements(MAX_OPTIONS);
    }

    public static Arbitrary<BindingAcknowledgement> bindingAcknowledgements(int maxOptions) {
        return Combinators.combine(bindingAckStatuses(), bindingAckFlags(), sequenceNumbers(), lifetimes(),
                        optionLists(fixedPartEnd(MobilityHeaderType.BINDING_ACKNOWLEDGEMENT), maxOptions))
                .as(BindingAcknowledgement::new);
    }

    public static Arbitrary<BindingError> bindingErrors() {
        return bindingErrors(MAX_OPTIONS);
    }

    public static Arbitrary<BindingError> bindingErrors(int maxOptions) {
        return Combinators.combine(bindingErrorStatuses(), ipv6Addresses(),
                        optionLists(fixedPartEnd(MobilityHeaderType.BINDING_ERROR), maxOptions))
                .as(BindingError::new);
    }

    /** Any valid message of MH Types 0..7, each type equally likely. */
    public static Arbitrary<MobilityMessage> messages() {
        return messages(MAX_OPTIONS);
    }

    /**
     * Any valid message with at most {@code maxOptions} generated options (one in ten is then
     * filled to MAX_LENGTH with unknown options).
     */
    public static Arbitrary<MobilityMessage> messages(int maxOptions) {
        return MobilityArbitraries.<MobilityMessage>choice(
                weighted(1, bindingRefreshRequests(maxOptions)), weighted(1, homeTestInits(maxOptions)),
                weighted(1, careOfTestInits(maxOptions)), weighted(1, homeTests(maxOptions)),
                weighted(1, careOfTests(maxOptions)), weighted(1, bindingUpdates(maxOptions)),
                weighted(1, bindingAcknowledgements(maxOptions)), weighted(1, bindingErrors(maxOptions)));
    }

    // ------------------------------------------------------------ layout model

    /** Where the options of a message type start: docs/protocol-reference.md#message-layouts. */
    public static int fixedPartEnd(MobilityHeaderType type) {
        return switch (type.code()) {
            case 0 -> 8;
            case 1, 2 -> 16;
            case 3, 4 -> 24;
            case 5, 6 -> 12;
            case 7 -> 24;
            default -> throw new IllegalArgumentException("not an RFC 6275 message type: " + type);
        };
    }

    /** Option data octets (after Type and Length), from docs/protocol-reference.md#mobility-options. */
    public static int optionDataLength(MobilityOption o) {
        if (o instanceof BindingRefreshAdvice) {
            return 2;
        }
        if (o instanceof AlternateCareOfAddress) {
            return 16;
        }
        if (o instanceof NonceIndices) {
            return 4;
        }
        if (o instanceof BindingAuthorizationData) {
            return 12;
        }
        if (o instanceof MobileNetworkPrefix) {
            return 18;
        }
        if (o instanceof MobileNodeIdentifier m) {
            return 1 + m.identifier().length;
        }
        if (o instanceof Ipv4HomeAddressRequest || o instanceof Ipv4AddressAcknowledgement
                || o instanceof NatDetection || o instanceof Ipv4CareOfAddress) {
            return 6;
        }
        if (o instanceof UnknownOption u) {
            return u.data().length;
        }
        throw new IllegalArgumentException("no layout known for " + o);
    }

    /** The option's codec alignment; none for options without a codec. */
    public static Alignment alignmentOf(MobilityOption o) {
        if (o instanceof UnknownOption) {
            return Alignment.NONE;
        }
        return REGISTRY.codec(o.type()).orElseThrow().alignment();
    }

    /** Where an option that may not start before {@code offset} starts after minimal padding. */
    public static int optionStart(int offset, MobilityOption o) {
        Alignment a = alignmentOf(o);
        return offset + Math.floorMod(a.y() - offset, a.x());
    }

    /** The offset after the last option (before the final padding). */
    public static int optionsEnd(int fixedPartEnd, List<MobilityOption> options) {
        int end = fixedPartEnd;
        for (MobilityOption o : options) {
            end = optionStart(end, o) + 2 + optionDataLength(o);
        }
        return end;
    }

    /** The length of the canonical (minimally padded) encoding. */
    public static int canonicalLength(MobilityMessage m) {
        return roundUpTo8(optionsEnd(fixedPartEnd(m.type()), m.options()));
    }

    private static int roundUpTo8(int n) {
        return (n + 7) & ~7;
    }

    /** The Type/Length/Data octets of one option, taken from the encoding of a BRR that holds only it. */
    public static byte[] optionTlv(MobilityOption o) {
        byte[] brr = CODEC.encodeWithoutChecksum(new BindingRefreshRequest(List.of(o)));
        int at = optionStart(fixedPartEnd(MobilityHeaderType.BINDING_REFRESH_REQUEST), o);
        return Arrays.copyOfRange(brr, at, at + 2 + optionDataLength(o));
    }

    /** Offsets of every option Type octet (padding included) from {@code from} on; stops at a truncated option. */
    public static List<Integer> optionTypeOffsets(byte[] mh, int from) {
        List<Integer> out = new ArrayList<>();
        int i = from;
        while (i < mh.length) {
            out.add(i);
            if ((mh[i] & 0xFF) == PAD1) {
                i++;
            } else if (i + 1 < mh.length) {
                i += 2 + (mh[i + 1] & 0xFF);
            } else {
                break;
            }
        }
        return out;
    }

    /** The one's-complement sum of an address's eight 16-bit words, mod 0xFFFF. */
    public static int onesComplementSum(Ipv6Address a) {
        long sum = 0;
        for (long half : new long[] {a.high(), a.low()}) {
            for (int shift = 48; shift >= 0; shift -= 16) {
                sum += (half >>> shift) & 0xFFFF;
            }
        }
        return (int) (sum % 0xFFFF);
    }

    // ---------------------------------------------------------- address pairs

    /** A checksum source address and a different one to check against it. */
    public record AddressChange(Ipv6Address original, Ipv6Address changed, String how) {
        @Override
        public String toString() {
            return how + ": " + original + " -> " + changed;
        }
    }

    /**
     * Pairs of different addresses: unrelated random ones, one bit flipped (never the same
     * one's-complement sum), and two 16-bit words swapped (always the same sum).
     */
    public static Arbitrary<AddressChange> addressChanges() {
        Arbitrary<AddressChange> random = Combinators.combine(ipv6Addresses(), ipv6Addresses())
                .as((a, b) -> new AddressChange(a, b, "random"));
        Arbitrary<AddressChange> bitFlip = Combinators.combine(ipv6Addresses(), Arbitraries.integers().between(0, 127))
                .as((a, bit) -> new AddressChange(a, flipBit(a, bit), "bit " + bit + " flipped"));
        Arbitrary<AddressChange> wordSwap = Combinators.combine(ipv6Addresses(),
                        Arbitraries.integers().between(0, 7), Arbitraries.integers().between(0, 7))
                .as((a, i, j) -> new AddressChange(a, swapWords(a, i, j), "words " + i + " and " + j + " swapped"));
        return choice(weighted(4, random), weighted(2, bitFlip), weighted(2, wordSwap))
                .filter(c -> !c.original().equals(c.changed()));
    }

    private static Ipv6Address flipBit(Ipv6Address a, int bit) {
        byte[] b = a.toBytes();
        b[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
        return Ipv6Address.fromBytes(b);
    }

    private static Ipv6Address swapWords(Ipv6Address a, int i, int j) {
        byte[] b = a.toBytes();
        byte h = b[2 * i];
        byte l = b[2 * i + 1];
        b[2 * i] = b[2 * j];
        b[2 * i + 1] = b[2 * j + 1];
        b[2 * j] = h;
        b[2 * j + 1] = l;
        return Ipv6Address.fromBytes(b);
    }

    // ------------------------------------------------------------- wire inputs

    /**
     * Octets for the decoder, the addresses to verify its checksum with, and how they were made
     * (described lazily: only a failing sample is ever printed).
     */
    public record WireInput(Supplier<String> origin, byte[] octets, Ipv6Address source, Ipv6Address destination) {
        @Override
        public String toString() {
            return origin.get() + ", " + octets.length + " octets, " + source + " -> " + destination + ": "
                    + HexFormat.of().formatHex(octets);
        }
    }

    /** What a {@link Mutation} does to an encoding. */
    public enum MutationKind {
        FLIP_BIT, SET_OCTET, SET_HEADER_LEN, RESIZE_TO_NEW_HEADER_LEN, TRUNCATE, EXTEND, SET_OPTION_TYPE,
        SET_OPTION_LENGTH
    }

    /**
     * One change to an encoding. {@code where} picks an octet (or an option, for the option
     * kinds) modulo what is there; {@code value} is the new octet, bit or Header Len;
     * {@code extra} holds the octets an extension appends.
     */
    public record Mutation(MutationKind kind, int where, int value, byte[] extra) {
        @Override
        public String toString() {
            return kind + "(where=" + where + ", value=" + value + ", extra=" + HexFormat.of().formatHex(extra) + ")";
        }
    }

    public static Arbitrary<Mutation> mutations() {
        // Kinds that keep the framing intact are likelier, so most mutants reach the option parser.
        Arbitrary<MutationKind> kinds = Arbitraries.frequency(
                Tuple.of(3, MutationKind.FLIP_BIT), Tuple.of(3, MutationKind.SET_OCTET),
                Tuple.of(4, MutationKind.SET_OPTION_TYPE), Tuple.of(4, MutationKind.SET_OPTION_LENGTH),
                Tuple.of(2, MutationKind.RESIZE_TO_NEW_HEADER_LEN), Tuple.of(1, MutationKind.SET_HEADER_LEN),
                Tuple.of(1, MutationKind.TRUNCATE), Tuple.of(1, MutationKind.EXTEND));
        return Combinators.combine(kinds, Arbitraries.integers().between(0, 4096),
                        Arbitraries.integers().between(0, 255), octets(0, 64))
                .as(Mutation::new);
    }

    /**
     * Inputs for "the decoder returns a message or throws its format exception": raw octets,
     * framed random octets, framed random option TLVs, mutated valid encodings and
     * non-canonical valid layouts, 0..{@link #MAX_WIRE_LENGTH} octets.
     */
    public static Arbitrary<WireInput> wireInputs() {
        return choice(
                weighted(1, rawOctets(MAX_WIRE_LENGTH)),
                weighted(1, rawOctets(40)),
                weighted(2, framedRandomOctets()),
                weighted(4, framedRandomOptions()),
                weighted(6, mutatedEncodings()),
                weighted(2, decodableWireInputs()));
    }

    /**
     * Inputs that mostly decode: valid encodings with reserved fields and padding contents
     * changed, and options laid out again with other padding.
     */
    public static Arbitrary<WireInput> decodableWireInputs() {
        return choice(
                weighted(3, encodingsWithReservedNoise(true)),
                weighted(3, repackedEncodings()),
                weighted(1, denselyPackedAlignedOptions()));
    }

    private static Arbitrary<WireInput> rawOctets(int maxLength) {
        return Combinators.combine(octets(0, maxLength), ipv6Addresses(), ipv6Addresses())
                .as((b, s, d) -> new WireInput(() -> "raw", b, s, d));
    }

    /** Payload Proto 59 (mostly), a consistent Header Len, an MH Type (mostly 0..7), random rest. */
    private static Arbitrary<WireInput> framedRandomOctets() {
        Arbitrary<Integer> headerLen = choice(
                weighted(4, Arbitraries.integers().between(0, 8)),
                weighted(1, Arbitraries.integers().between(0, 255)));
        return Combinators.combine(headerLen, mhTypes(), payloadProtos(), octets(2048, 2048), ipv6Addresses(),
                        ipv6Addresses(), Arbitraries.of(true, false))
                .as((hl, type, proto, random, s, d, fix) -> {
                    byte[] b = Arrays.copyOf(random, (hl + 1) * 8);
                    b[0] = (byte) (int) proto;
                    b[1] = (byte) (int) hl;
                    b[2] = (byte) (int) type;
                    return finish(() -> "framed random", b, s, d, fix);
                });
    }

    private static Arbitrary<Integer> mhTypes() {
        return choice(
                weighted(12, Arbitraries.integers().between(0, 7)),
                weighted(1, Arbitraries.integers().between(8, 255)));
    }

    private static Arbitrary<Integer> payloadProtos() {
        return choice(
                weighted(15, Arbitraries.just(MobilityHeaderCodec.PAYLOAD_PROTO_NONE)),
                weighted(1, Arbitraries.integers().between(0, 255)));
    }

    /** One option TLV as written, whatever the codec would think of it. */
    public record OptionSketch(int type, byte[] data) {
        @Override
        public String toString() {
            return "Option(" + type + ", " + HexFormat.of().formatHex(data) + ")";
        }
    }

    /** The Length a sketched option gets. */
    public enum SketchLength {
        EXPECTED, ONE_SHORT, ONE_LONG, ZERO, ONE, ANY
    }

    /**
     * Option TLVs of any type (padding, registered, unknown), with the length the type's codec
     * expects, one off, 0, 1, or anything 0..255, and random data.
     */
    public static Arbitrary<OptionSketch> optionSketches() {
        Arbitrary<Integer> types = choice(
                weighted(1, Arbitraries.of(PAD1, PADN)),
                weighted(6, Arbitraries.of(REGISTERED_OPTION_TYPES)),
                weighted(1, unknownOptionTypes()),
                weighted(1, Arbitraries.integers().between(0, 255)));
        Arbitrary<SketchLength> lengths = Arbitraries.frequency(
                Tuple.of(12, SketchLength.EXPECTED), Tuple.of(1, SketchLength.ONE_SHORT), Tuple.of(1, SketchLength.ONE_LONG),
                Tuple.of(1, SketchLength.ZERO), Tuple.of(1, SketchLength.ONE), Tuple.of(2, SketchLength.ANY));
        return Combinators.combine(types, lengths, Arbitraries.integers().between(0, 255), octets(255, 255))
                .as((type, length, any, pool) -> new OptionSketch(type, Arrays.copyOf(pool, switch (length) {
                    case EXPECTED -> expectedDataLength(type);
                    case ONE_SHORT -> Math.max(0, expectedDataLength(type) - 1);
                    case ONE_LONG -> expectedDataLength(type) + 1;
                    case ZERO -> 0;
                    case ONE -> 1;
                    case ANY -> any;
                })));
    }

    /** The data length a codec accepts (the shortest for the MN-ID), or a small one for other types. */
    private static int expectedDataLength(int type) {
        return switch (type) {
            case BindingRefreshAdvice.TYPE -> 2;
            case AlternateCareOfAddress.TYPE -> 16;
            case NonceIndices.TYPE -> 4;
            case BindingAuthorizationData.TYPE -> 12;
            case MobileNetworkPrefix.TYPE -> 18;
            case MobileNodeIdentifier.TYPE -> 2;
            case Ipv4HomeAddressRequest.TYPE, Ipv4AddressAcknowledgement.TYPE, NatDetection.TYPE, Ipv4CareOfAddress.TYPE -> 6;
            default -> 4;
        };
    }

    /** A framed message of a known type with random fixed-part octets and random option TLVs. */
    private static Arbitrary<WireInput> framedRandomOptions() {
        Arbitrary<List<OptionSketch>> sketchLists = optionSketches().list().ofMaxSize(12)
                .withSizeDistribution(RandomDistribution.uniform());
        return Combinators.combine(mhTypes(), payloadProtos(), octets(24, 24), sketchLists,
                        Arbitraries.of(true, true, false), ipv6Addresses(), ipv6Addresses(),
                        Arbitraries.integers().between(0, 7))
                .as((type, proto, fixed, sketches, fix, s, d, cut) -> {
                    int fixedEnd = type < 8 ? fixedPartEnd(MobilityHeaderType.of(type)) : 6 + (cut * 2);
                    byte[] b = new byte[4096];
                    System.arraycopy(fixed, 0, b, 0, fixedEnd);
                    int end = fixedEnd;
                    for (OptionSketch o : sketches) {
                        b[end++] = (byte) o.type();
                        if (o.type() != PAD1) {
                            b[end++] = (byte) o.data().length;
                            System.arraycopy(o.data(), 0, b, end, o.data().length);
                            end += o.data().length;
                        }
                    }
                    // Pad with zero octets (Pad1) to 8n, or cut the last option short when `cut` says so.
                    int length = cut == 0 ? Math.max(8, end & ~7) : roundUpTo8(end);
                    length = Math.min(length, MobilityHeaderCodec.MAX_LENGTH);
                    b = Arrays.copyOf(b, length);
                    b[0] = (byte) (int) proto;
                    b[1] = (byte) (length / 8 - 1);
                    b[2] = (byte) (int) type;
                    return finish(() -> "framed random options " + sketches, b, s, d, fix);
                });
    }

    /** Valid encodings changed by one to four {@link Mutation}s, the checksum then fixed two times in three. */
    private static Arbitrary<WireInput> mutatedEncodings() {
        Arbitrary<List<Mutation>> changeLists = mutations().list().ofMinSize(1).ofMaxSize(4)
                .withSizeDistribution(RandomDistribution.uniform());
        return Combinators.combine(messages(WIRE_INPUT_MAX_OPTIONS), changeLists,
                        Arbitraries.of(true, true, false), ipv6Addresses(), ipv6Addresses())
                .as((m, changes, fix, s, d) -> {
                    byte[] b = CODEC.encodeWithoutChecksum(m);
                    List<Integer> optionOffsets = optionTypeOffsets(b, fixedPartEnd(m.type()));
                    for (Mutation change : changes) {
                        b = mutate(b, change, optionOffsets);
                    }
                    if (b.length > MAX_WIRE_LENGTH) {
                        b = Arrays.copyOf(b, MAX_WIRE_LENGTH);
                    }
                    return finish(() -> "mutated " + m.type() + " " + changes, b, s, d, fix);
                });
    }

    static byte[] mutate(byte[] b, Mutation m, List<Integer> optionOffsets) {
        int n = b.length;
        switch (m.kind()) {
            case FLIP_BIT -> {
                if (n > 0) {
                    b[m.where() % n] ^= (byte) (1 << (m.value() & 7));
                }
            }
            case SET_OCTET -> {
                if (n > 0) {
                    b[m.where() % n] = (byte) m.value();
                }
            }
            case SET_HEADER_LEN -> {
                if (n > 1) {
                    b[1] = (byte) m.value();
                }
            }
            case RESIZE_TO_NEW_HEADER_LEN -> {
                int length = (m.value() + 1) * 8;
                byte[] resized = Arrays.copyOf(b, length);
                for (int i = n, k = 0; i < length && m.extra().length > 0; i++, k++) {
                    resized[i] = m.extra()[k % m.extra().length];
                }
                resized[1] = (byte) m.value();
                return resized;
            }
            case TRUNCATE -> {
                return Arrays.copyOf(b, m.where() % (n + 1));
            }
            case EXTEND -> {
                byte[] longer = Arrays.copyOf(b, n + m.extra().length);
                System.arraycopy(m.extra(), 0, longer, n, m.extra().length);
                return longer;
            }
            case SET_OPTION_TYPE, SET_OPTION_LENGTH -> {
                if (optionOffsets.isEmpty()) {
                    if (n > 0) {
                        b[m.where() % n] = (byte) m.value();
                    }
                } else {
                    int at = optionOffsets.get(m.where() % optionOffsets.size())
                            + (m.kind() == MutationKind.SET_OPTION_LENGTH ? 1 : 0);
                    if (at < n) {
                        b[at] = (byte) m.value();
                    }
                }
            }
            default -> throw new AssertionError(m.kind());
        }
        return b;
    }

    /**
     * Valid encodings whose reserved fields (header octet 3, reserved flag bits, BRR/HoTI/CoTI
     * octets 6-7, BE octet 7) and, when {@code alsoOptionFields}, PadN contents and option
     * reserved bits are set to noise. Checksums are right.
     */
    public static Arbitrary<WireInput> encodingsWithReservedNoise(boolean alsoOptionFields) {
        return Combinators.combine(messages(WIRE_INPUT_MAX_OPTIONS), Arbitraries.integers().between(1, 255),
                        ipv6Addresses(), ipv6Addresses())
                .as((m, noise, s, d) -> {
                    byte[] b = CODEC.encodeWithoutChecksum(m);
                    addHeaderReservedNoise(b, m.type(), noise);
                    if (alsoOptionFields) {
                        addOptionReservedNoise(b, fixedPartEnd(m.type()), noise);
                    }
                    return finish(() -> "reserved noise " + noise + " in " + m, b, s, d, true);
                });
    }

    static void addHeaderReservedNoise(byte[] b, MobilityHeaderType type, int noise) {
        b[3] = (byte) noise;
        switch (type.code()) {
            case 0, 1, 2 -> {
                b[6] = (byte) noise;
                b[7] = (byte) (noise * 7);
            }
            case 5 -> b[9] |= (byte) (noise & 0x0F);
            case 6 -> b[7] |= (byte) (noise & 0x01);
            case 7 -> b[7] = (byte) noise;
            default -> {
                // HoT/CoT have no reserved field.
            }
        }
    }

    private static void addOptionReservedNoise(byte[] b, int from, int noise) {
        for (int at : optionTypeOffsets(b, from)) {
            int type = b[at] & 0xFF;
            switch (type) {
                case PADN -> {
                    for (int i = at + 2; i < at + 2 + (b[at + 1] & 0xFF); i++) {
                        b[i] = (byte) noise;
                    }
                }
                case MobileNetworkPrefix.TYPE -> b[at + 2] = (byte) noise;
                case Ipv4HomeAddressRequest.TYPE -> {
                    b[at + 3] = (byte) noise;
                    b[at + 2] |= (byte) (noise & 0x01);
                }
                case Ipv4AddressAcknowledgement.TYPE -> b[at + 3] |= (byte) (noise & 0x03);
                case NatDetection.TYPE -> {
                    b[at + 2] |= (byte) (noise & 0x7F);
                    b[at + 3] = (byte) noise;
                }
                case Ipv4CareOfAddress.TYPE -> {
                    b[at + 2] = (byte) noise;
                    b[at + 3] = (byte) noise;
                }
                default -> {
                    // Nothing reserved.
                }
            }
        }
    }

    /**
     * The header and fixed part of a valid encoding, then its options with 0..7 octets of
     * Pad1/PadN before each (alignment ignored), padded to 8n; options that would pass
     * MAX_LENGTH are left out.
     */
    private static Arbitrary<WireInput> repackedEncodings() {
        return Combinators.combine(messages(WIRE_INPUT_MAX_OPTIONS), Arbitraries.integers().between(0, 7),
                        Arbitraries.longs(), ipv6Addresses(), ipv6Addresses())
                .as((m, maxGap, seed, s, d) -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    List<Integer> gaps = IntStream.range(0, m.options().size())
                            .map(i -> random.nextInt(maxGap + 1)).boxed().toList();
                    return new WireInput(() -> "repacked " + m.type() + " with gaps " + gaps,
                            repack(m, m.options(), gaps, s, d), s, d);
                });
    }

    /**
     * BUs, BAs, BEs or HoTs holding as many 8n+y-aligned options (Alternate CoA, BAD, MNP) as
     * fit when packed with no padding: the canonical layout of what they decode to may not
     * fit in MAX_LENGTH.
     */
    private static Arbitrary<WireInput> denselyPackedAlignedOptions() {
        Arbitrary<MobilityOption> aligned = MobilityArbitraries.<MobilityOption>choice(
                weighted(1, alternateCareOfAddresses()), weighted(1, bindingAuthorizationData()),
                weighted(1, mobileNetworkPrefixes()));
        Arbitrary<MobilityMessage> shell = MobilityArbitraries.<MobilityMessage>choice(
                weighted(1, bindingUpdates(0)), weighted(1, bindingAcknowledgements(0)), weighted(1, bindingErrors(0)),
                weighted(1, homeTests(0)));
        Arbitrary<List<MobilityOption>> optionLists = aligned.list().ofMinSize(1).ofMaxSize(150)
                .withSizeDistribution(RandomDistribution.uniform());
        return Combinators.combine(shell, optionLists, ipv6Addresses(), ipv6Addresses())
                .as((m, opts, s, d) -> new WireInput(
                        () -> "densely packed " + m.type() + " with " + opts.size() + " aligned options",
                        repack(m, opts, List.of(), s, d), s, d));
    }

    private static byte[] repack(MobilityMessage m, List<MobilityOption> options, List<Integer> gaps,
                                 Ipv6Address s, Ipv6Address d) {
        int fixedEnd = fixedPartEnd(m.type());
        byte[] b = Arrays.copyOf(CODEC.encodeWithoutChecksum(m), MobilityHeaderCodec.MAX_LENGTH + 16);
        int end = fixedEnd;
        for (int k = 0; k < options.size(); k++) {
            int gap = k < gaps.size() ? gaps.get(k) : 0;
            byte[] tlv = optionTlv(options.get(k));
            if (roundUpTo8(end + gap + tlv.length) > MobilityHeaderCodec.MAX_LENGTH) {
                break;
            }
            writePadding(b, end, gap);
            end += gap;
            System.arraycopy(tlv, 0, b, end, tlv.length);
            end += tlv.length;
        }
        int length = roundUpTo8(end);
        writePadding(b, end, length - end);
        b = Arrays.copyOf(b, length);
        b[1] = (byte) (length / 8 - 1);
        MobilityHeaderCodec.fillChecksum(b, s, d);
        return b;
    }

    private static void writePadding(byte[] b, int at, int count) {
        if (count == 1) {
            b[at] = PAD1;
        } else if (count >= 2) {
            b[at] = PADN;
            b[at + 1] = (byte) (count - 2);
            Arrays.fill(b, at + 2, at + count, (byte) 0);
        }
    }

    private static WireInput finish(Supplier<String> origin, byte[] b, Ipv6Address s, Ipv6Address d,
                                    boolean fixChecksum) {
        if (fixChecksum && b.length >= MobilityHeaderCodec.CHECKSUM_OFFSET + 2) {
            MobilityHeaderCodec.fillChecksum(b, s, d);
        }
        return new WireInput(() -> origin.get() + (fixChecksum ? ", checksum fixed" : ""), b, s, d);
    }

    // --------------------------------------------------------------- choices

    /**
     * Like {@link Arbitraries#frequencyOf}, over alternatives wrapped by {@link #weighted}.
     * jqwik looks up the chosen alternative's generator in a cache keyed by the arbitrary's
     * structural hash on every draw; for deep trees such as a message that hash costs far more
     * than the draw, so the alternatives hash by identity instead.
     */
    @SafeVarargs
    static <T> Arbitrary<T> choice(Tuple.Tuple2<Integer, Arbitrary<T>>... alternatives) {
        return Arbitraries.frequencyOf(List.of(alternatives));
    }

    /** One alternative of {@link #choice}: its weight and the arbitrary, hashed by identity. */
    static <T> Tuple.Tuple2<Integer, Arbitrary<T>> weighted(int weight, Arbitrary<? extends T> alternative) {
        return Tuple.of(weight, new IdentityHashed<T>(alternative));
    }

    /** Delegates everything but equals/hashCode, which are Object's. */
    private static final class IdentityHashed<T> implements Arbitrary<T> {
        private final Arbitrary<T> delegate;

        @SuppressWarnings("unchecked")
        IdentityHashed(Arbitrary<? extends T> delegate) {
            // Arbitraries only produce values; widening the type is safe.
            this.delegate = (Arbitrary<T>) delegate;
        }

        @Override
        public RandomGenerator<T> generator(int genSize) {
            return delegate.generator(genSize);
        }

        @Override
        public RandomGenerator<T> generatorWithEmbeddedEdgeCases(int genSize) {
            return delegate.generatorWithEmbeddedEdgeCases(genSize);
        }

        @Override
        public Optional<ExhaustiveGenerator<T>> exhaustive(long maxNumberOfSamples) {
            return delegate.exhaustive(maxNumberOfSamples);
        }

        @Override
        public EdgeCases<T> edgeCases(int maxEdgeCases) {
            return delegate.edgeCases(maxEdgeCases);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** How {@link #octets} fills a string. */
    public enum Fill {
        ZEROS, ONES, RANDOM
    }

    /**
     * Octet strings of {@code min..max} octets: all zero, all 0xFF or (mostly) random from a
     * seed. Drawing them octet by octet as jqwik shrinkables costs about 1 us an octet, too
     * much for 100 000 tries of kilobyte inputs; these shrink by length, toward zeros, and by
     * seed instead.
     */
    public static Arbitrary<byte[]> octets(int min, int max) {
        Arbitrary<Fill> fill = Arbitraries.frequency(
                Tuple.of(1, Fill.ZEROS), Tuple.of(1, Fill.ONES), Tuple.of(8, Fill.RANDOM));
        return Combinators.combine(Arbitraries.integers().between(min, max), fill, Arbitraries.longs())
                .as((length, how, seed) -> {
                    byte[] b = new byte[length];
                    switch (how) {
                        case ZEROS -> {
                            // already zero
                        }
                        case ONES -> Arrays.fill(b, (byte) 0xFF);
                        case RANDOM -> new SplittableRandom(seed).nextBytes(b);
                        default -> throw new AssertionError(how);
                    }
                    return b;
                });
    }
}
