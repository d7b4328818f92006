package org.mip6kit.wire.property;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

import org.mip6kit.wire.Alignment;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.SequenceNumber;
import org.mip6kit.wire.property.MobilityArbitraries.AddressChange;
import org.mip6kit.wire.property.MobilityArbitraries.WireInput;

/**
 * Properties of {@link MobilityHeaderCodec} (RFC 6275 §6.1, §6.2, §9.2) and of the
 * {@link SequenceNumber} (§9.5.1) and {@link Lifetime} (§6.1.7) wire values, over the
 * arbitraries of {@link MobilityArbitraries}.
 */
@Tag("small")
class MobilityHeaderCodecProperties {

    private static final MobilityHeaderCodec CODEC = MobilityHeaderCodec.standard();
    private static final int PAD1 = 0;
    private static final int PADN = 1;

    // ------------------------------------------------------------- providers

    @Provide
    Arbitrary<MobilityMessage> messages() {
        return MobilityArbitraries.messages();
    }

    @Provide
    Arbitrary<Ipv6Address> addresses() {
        return MobilityArbitraries.ipv6Addresses();
    }

    @Provide
    Arbitrary<AddressChange> addressChanges() {
        return MobilityArbitraries.addressChanges();
    }

    @Provide
    Arbitrary<WireInput> wireInputs() {
        return MobilityArbitraries.wireInputs();
    }

    @Provide
    Arbitrary<WireInput> mostlyDecodableWireInputs() {
        return MobilityArbitraries.choice(
                MobilityArbitraries.weighted(4, MobilityArbitraries.decodableWireInputs()),
                MobilityArbitraries.weighted(1, MobilityArbitraries.wireInputs()));
    }

    @Provide
    Arbitrary<String> nais() {
        return MobilityArbitraries.nais();
    }

    @Provide
    Arbitrary<SequenceNumber> sequenceNumbers() {
        return MobilityArbitraries.sequenceNumbers();
    }

    @Provide
    Arbitrary<Duration> nonNegativeDurations() {
        return MobilityArbitraries.nonNegativeDurations();
    }

    @Provide
    Arbitrary<Duration> negativeDurations() {
        return MobilityArbitraries.negativeDurations();
    }

    // ------------------------------------------------------------ round trip

    /**
     * Any valid message encodes to a multiple of 8 octets whose Header Len says so, with each
     * option's Type octet at its codec's alignment after minimal Pad1/PadN padding of zeros;
     * it decodes back to an equal message; and its checksum verifies for the addresses it was
     * computed with and, for another source address, exactly when the two addresses have the
     * same one's-complement sum.
     */
    @Property(tries = 2000)
    void roundTripGivesAnEqualMessageInAnAlignedLayoutWithAChecksumBoundToTheAddresses(
            @ForAll("messages") MobilityMessage message,
            @ForAll("addressChanges") AddressChange source,
            @ForAll("addresses") Ipv6Address destination) throws MobilityHeaderFormatException {
        byte[] mh = CODEC.encode(message, source.original(), destination);

        assertThat(mh.length % 8).as("length %d is a multiple of 8", mh.length).isZero();
        assertThat(((mh[1] & 0xFF) + 1) * 8).as("Header Len").isEqualTo(mh.length);
        assertThat(mh.length).as("minimally padded length").isEqualTo(MobilityArbitraries.canonicalLength(message));
        assertThat(mh[0] & 0xFF).as("Payload Proto").isEqualTo(MobilityHeaderCodec.PAYLOAD_PROTO_NONE);
        assertThat(mh[2] & 0xFF).as("MH Type").isEqualTo(message.type().code());
        assertThat(mh[3]).as("Reserved").isZero();
        assertOptionsAlignedAndMinimallyPadded(mh, message);

        assertThat(CODEC.decode(mh, source.original(), destination)).isEqualTo(message);

        byte[] unchecked = CODEC.encodeWithoutChecksum(message);
        assertThat(unchecked[4] | unchecked[5]).as("checksum left 0").isZero();
        unchecked[4] = mh[4];
        unchecked[5] = mh[5];
        assertThat(unchecked).as("encode = encodeWithoutChecksum + checksum").isEqualTo(mh);

        assertThat(MobilityHeaderCodec.checksumValid(mh, source.original(), destination)).isTrue();
        boolean sumsCollide = MobilityArbitraries.onesComplementSum(source.original())
                == MobilityArbitraries.onesComplementSum(source.changed());
        assertThat(MobilityHeaderCodec.checksumValid(mh, source.changed(), destination))
                .as("checksum valid for %s (sums collide: %s)", source, sumsCollide)
                .isEqualTo(sumsCollide);
        if (!sumsCollide) {
            assertThatThrownBy(() -> CODEC.decode(mh, source.changed(), destination))
                    .isInstanceOfSatisfying(MobilityHeaderFormatException.class,
                            e -> assertThat(e.field()).isEqualTo("Checksum"));
        }

        Statistics.label("MH Type").collect(message.type().name());
        Statistics.label("at MAX_LENGTH").collect(mh.length == MobilityHeaderCodec.MAX_LENGTH);
        Statistics.label("source change")
                .collect(source.how().replaceAll("[0-9]+", "n") + (sumsCollide ? ", same sum" : ""));
        Statistics.label("at MAX_LENGTH").coverage(c -> c.check(true).percentage(p -> p >= 2));
        Statistics.label("MH Type").coverage(c -> {
            for (String type : List.of("Binding Refresh Request", "Home Test Init", "Care-of Test Init", "Home Test",
                    "Care-of Test", "Binding Update", "Binding Acknowledgement", "Binding Error")) {
                c.check(type).count(n -> n > 0);
            }
        });
    }

    /** Walks the options area: padding is minimal and zero, each option sits at its codec's alignment. */
    private static void assertOptionsAlignedAndMinimallyPadded(byte[] mh, MobilityMessage message) {
        List<MobilityOption> options = message.options();
        int i = MobilityArbitraries.fixedPartEnd(message.type());
        int previousEnd = i;
        int k = 0;
        while (i < mh.length) {
            int type = mh[i] & 0xFF;
            if (type == PAD1) {
                i++;
                continue;
            }
            int length = mh[i + 1] & 0xFF;
            if (type == PADN) {
                for (int z = i + 2; z < i + 2 + length; z++) {
                    assertThat(mh[z]).as("PadN data octet at %d", z).isZero();
                }
                i += 2 + length;
                continue;
            }
            assertThat(k).as("option Type octet %d at offset %d beyond the message's %d options", type, i, options.size())
                    .isLessThan(options.size());
            MobilityOption expected = options.get(k);
            Alignment alignment = MobilityArbitraries.alignmentOf(expected);
            assertThat(type).as("Type octet of option %d", k).isEqualTo(expected.type());
            assertThat(length).as("Length octet of option %d", k).isEqualTo(MobilityArbitraries.optionDataLength(expected));
            assertThat(i % alignment.x()).as("offset %d of option %d, alignment %s", i, k, alignment)
                    .isEqualTo(alignment.y());
            assertThat(i - previousEnd).as("padding before option %d", k)
                    .isEqualTo(Math.floorMod(alignment.y() - previousEnd, alignment.x()));
            i += 2 + length;
            previousEnd = i;
            k++;
        }
        assertThat(i).as("the last option ends inside the message").isEqualTo(mh.length);
        assertThat(k).as("options found").isEqualTo(options.size());
        assertThat(mh.length - previousEnd).as("final padding").isBetween(0, 7);
    }

    /** A name read as UTF-8 text comes back as the same text, whatever characters it holds. */
    @Property(tries = 1000)
    void naiTextSurvivesTheRoundTrip(@ForAll("nais") String nai, @ForAll("addresses") Ipv6Address source,
                                     @ForAll("addresses") Ipv6Address destination) throws MobilityHeaderFormatException {
        int octets = nai.getBytes(StandardCharsets.UTF_8).length;
        assertThat(octets).isBetween(1, MobileNodeIdentifier.MAX_IDENTIFIER_LENGTH);
        BindingUpdate bu = new BindingUpdate(SequenceNumber.of(1), BindingUpdate.flagsFromBits(0xC000), Lifetime.ofUnits(150),
                List.of(MobileNodeIdentifier.nai(nai)));

        MobilityMessage decoded = CODEC.decode(CODEC.encode(bu, source, destination), source, destination);

        MobileNodeIdentifier id = decoded.option(MobileNodeIdentifier.class).orElseThrow();
        assertThat(id.isNai()).isTrue();
        assertThat(id.nai()).isEqualTo(nai);
        assertThat(id.identifier()).hasSize(octets);
        Statistics.label("multibyte").collect(octets != nai.length());
        Statistics.label("254 octets").collect(octets == MobileNodeIdentifier.MAX_IDENTIFIER_LENGTH);
    }

    /** RFC 6275 §6.1: the Reserved octet and reserved flag bits are set to 0 by senders and ignored by receivers. */
    @Property(tries = 1000)
    void reservedHeaderFieldsAreIgnoredOnReceipt(@ForAll("messages") MobilityMessage message,
                                                 @ForAll @IntRange(min = 1, max = 255) int noise,
                                                 @ForAll("addresses") Ipv6Address source,
                                                 @ForAll("addresses") Ipv6Address destination)
            throws MobilityHeaderFormatException {
        byte[] mh = CODEC.encodeWithoutChecksum(message);
        MobilityArbitraries.addHeaderReservedNoise(mh, message.type(), noise);
        MobilityHeaderCodec.fillChecksum(mh, source, destination);

        assertThat(CODEC.decode(mh, source, destination)).isEqualTo(message);
    }

    // ------------------------------------------------------------- robustness

    /**
     * Whatever the octets, both decoders return a message or throw
     * {@link MobilityHeaderFormatException} naming a field inside the input; nothing else
     * escapes. They agree with each other, decoding with the checksum succeeds exactly when
     * decoding without it does and the checksum verifies, and the input is left unchanged.
     *
     * <p>100 000 tries (the CI minimum). Edge cases are off: their combinations (Payload
     * Proto 0 or 255, Header Len 0, empty option data) would keep a large share of the inputs at
     * the framing checks; short and empty inputs are generated explicitly instead.
     */
    @Property(tries = 100_000, edgeCases = EdgeCasesMode.NONE)
    void anyBytesDecodeOrFormatException(@ForAll("wireInputs") WireInput input) {
        byte[] octets = input.octets();
        byte[] copy = octets.clone();

        Outcome trusting = attempt(() -> CODEC.decodeTrustingChecksum(octets));
        Outcome verifying = attempt(() -> CODEC.decode(octets, input.source(), input.destination()));

        assertThat(octets).as("input left unchanged").isEqualTo(copy);
        for (Outcome o : List.of(trusting, verifying)) {
            if (o.error() != null) {
                assertThat(o.error().field()).isNotBlank();
                assertThat(o.error().reaction()).isNotNull();
                assertThat(o.error().offset()).as("offset of %s", o.error().getMessage())
                        .isBetween(0, Math.max(octets.length, 1));
            } else {
                assertThat(o.message()).isNotNull();
                assertThat(o.message().type().code()).isEqualTo(octets[2] & 0xFF);
                assertThat(octets.length).isEqualTo(((octets[1] & 0xFF) + 1) * 8);
                assertThat(octets[0] & 0xFF).isEqualTo(MobilityHeaderCodec.PAYLOAD_PROTO_NONE);
            }
        }
        boolean checksumVerifies = octets.length >= 8
                && MobilityHeaderCodec.checksumValid(octets, input.source(), input.destination());
        if (trusting.message() != null && checksumVerifies) {
            assertThat(verifying.message()).as("decode with a verifying checksum").isEqualTo(trusting.message());
        } else {
            assertThat(verifying.error()).as("decode fails when decodeTrustingChecksum does or the checksum is wrong")
                    .isNotNull();
        }

        Statistics.label("outcome").collect(trusting.message() != null ? "decoded" : trusting.error().field());
        Statistics.label("decoded").coverage(c -> c.check(true).percentage(p -> p >= 10));
        Statistics.label("decoded").collect(trusting.message() != null);
        Statistics.label("option-level rejection").collect(trusting.error() != null && trusting.error().offset() > 7);
        Statistics.label("option-level rejection").coverage(c -> c.check(true).percentage(p -> p >= 10));
    }

    /**
     * Decoding is a fixed point after one step: whatever decodes re-encodes canonically to
     * octets that decode to an equal message and re-encode to the same octets. A decoded message
     * whose canonical (aligned) layout would pass MAX_LENGTH is refused by the encoder with
     * IllegalArgumentException, as its contract says.
     */
    @Property(tries = 3000, maxDiscardRatio = 10)
    void decodedMessagesReEncodeToTheSameSemantics(@ForAll("mostlyDecodableWireInputs") WireInput input)
            throws MobilityHeaderFormatException {
        Outcome first = attempt(() -> CODEC.decodeTrustingChecksum(input.octets()));
        Assume.that(first.message() != null);
        MobilityMessage decoded = first.message();
        Ipv6Address s = input.source();
        Ipv6Address d = input.destination();

        boolean fits = MobilityArbitraries.canonicalLength(decoded) <= MobilityHeaderCodec.MAX_LENGTH;
        Statistics.label("canonical layout fits").collect(fits);
        Statistics.label("same octets as the input").collect(fits && java.util.Arrays.equals(
                withZeroChecksum(CODEC.encodeWithoutChecksum(decoded)), withZeroChecksum(input.octets())));
        if (!fits) {
            assertThatThrownBy(() -> CODEC.encode(decoded, s, d)).isInstanceOf(IllegalArgumentException.class);
            return;
        }
        byte[] reEncoded = CODEC.encode(decoded, s, d);
        MobilityMessage again = CODEC.decode(reEncoded, s, d);

        assertThat(again).isEqualTo(decoded);
        assertThat(CODEC.encode(again, s, d)).isEqualTo(reEncoded);
    }

    private static byte[] withZeroChecksum(byte[] mh) {
        byte[] b = mh.clone();
        if (b.length >= 6) {
            b[4] = 0;
            b[5] = 0;
        }
        return b;
    }

    private record Outcome(MobilityMessage message, MobilityHeaderFormatException error) {
    }

    @FunctionalInterface
    private interface Decoding {
        MobilityMessage decode() throws MobilityHeaderFormatException;
    }

    /** Runs a decoder; only its format exception is caught, so anything else fails the property. */
    private static Outcome attempt(Decoding decoding) {
        try {
            return new Outcome(decoding.decode(), null);
        } catch (MobilityHeaderFormatException e) {
            return new Outcome(null, e);
        }
    }

    // ---------------------------------------------------- the option registry

    @Example
    void unknownOptionTypesAreExactlyTheTypesWithoutAStandardCodec() {
        List<Integer> expected = new ArrayList<>();
        expected.add(7);
        IntStream.rangeClosed(9, 28).forEach(expected::add);
        IntStream.rangeClosed(33, 255).forEach(expected::add);

        assertThat(MobilityArbitraries.UNKNOWN_OPTION_TYPES).isEqualTo(expected);
    }

    /** docs/protocol-reference.md#mobility-options: 2n, 8n+6, 2n, 8n+2, 8n+4, none, and 4n for the RFC 5555 options. */
    @Example
    void standardCodecAlignmentsAreTheRfcOnes() {
        Map<Integer, Alignment> expected = Map.of(
                2, Alignment.of(2, 0), 3, Alignment.of(8, 6), 4, Alignment.of(2, 0), 5, Alignment.of(8, 2),
                6, Alignment.of(8, 4), 8, Alignment.NONE, 29, Alignment.of(4, 0), 30, Alignment.of(4, 0),
                31, Alignment.of(4, 0), 32, Alignment.of(4, 0));
        for (int type : MobilityArbitraries.REGISTERED_OPTION_TYPES) {
            assertThat(MobilityArbitraries.REGISTRY.codec(type).orElseThrow().alignment())
                    .as("alignment of option type %d", type).isEqualTo(expected.get(type));
        }
        assertThat(MobilityArbitraries.REGISTERED_OPTION_TYPES).containsExactlyInAnyOrderElementsOf(expected.keySet());
    }

    // ------------------------------------------------------- sequence numbers

    @Property
    void isNewerThanIsIrreflexiveAndAntisymmetric(@ForAll("sequenceNumbers") SequenceNumber x,
                                                  @ForAll("sequenceNumbers") SequenceNumber y) {
        assertThat(x.isNewerThan(x)).isFalse();
        assertThat(x.isNewerThan(y) && y.isNewerThan(x)).as("%s and %s both newer", x, y).isFalse();
    }

    /** Two numbers that differ by anything but exactly 2^15 are ordered one way or the other. */
    @Property
    void numbersLessThanHalfTheSpaceApartAreOrdered(@ForAll("sequenceNumbers") SequenceNumber x,
                                                    @ForAll("sequenceNumbers") SequenceNumber y) {
        Assume.that(!x.equals(y) && ((x.value() - y.value()) & 0xFFFF) != 0x8000);

        assertThat(x.isNewerThan(y) ^ y.isNewerThan(x)).as("exactly one of %s, %s is newer", x, y).isTrue();
    }

    @Property
    void nextIsNewerAndWrapsAt65535(@ForAll("sequenceNumbers") SequenceNumber x) {
        SequenceNumber next = x.next();

        assertThat(next.isNewerThan(x)).isTrue();
        assertThat(x.isNewerThan(next)).isFalse();
        assertThat(next.value()).isEqualTo(x.value() == 0xFFFF ? 0 : x.value() + 1);
    }

    /** The 32 767 numbers after x are newer than x; x itself and the 32 768 before it are not. */
    @Property
    void newerMeansWithinTheHalfWindowAhead(@ForAll("sequenceNumbers") SequenceNumber base,
                                            @ForAll @IntRange(min = 0, max = 0xFFFF) int distance) {
        SequenceNumber ahead = SequenceNumber.of((base.value() + distance) & 0xFFFF);

        assertThat(ahead.isNewerThan(base)).as("%d steps after %s", distance, base)
                .isEqualTo(distance >= 1 && distance <= 32767);
    }

    /** RFC 6275 §9.5.1's example: after 15, 16..32782 are newer; 0..15 and 32783..65535 are not. */
    @Example
    void rfcExampleTableAfter15() {
        SequenceNumber fifteen = SequenceNumber.of(15);
        for (int v = 0; v <= 0xFFFF; v++) {
            assertThat(SequenceNumber.of(v).isNewerThan(fifteen)).as("%d after 15", v).isEqualTo(v >= 16 && v <= 32782);
        }
        assertThat(SequenceNumber.of(0).isNewerThan(fifteen)).isFalse();
        assertThat(SequenceNumber.of(16).isNewerThan(fifteen)).isTrue();
        assertThat(SequenceNumber.of(32782).isNewerThan(fifteen)).isTrue();
        assertThat(SequenceNumber.of(32783).isNewerThan(fifteen)).isFalse();
        assertThat(SequenceNumber.of(65535).isNewerThan(fifteen)).isFalse();
    }

    // -------------------------------------------------------------- lifetimes

    /**
     * A duration becomes the largest whole number of 4-second units not above it, and
     * durations of 262 140 s or more become the maximum 0xFFFF units.
     */
    @Property
    void ofDurationRoundsDownToWholeUnitsAndClampsAtTheMaximum(@ForAll("nonNegativeDurations") Duration d) {
        Lifetime lifetime = Lifetime.ofDuration(d);

        assertThat(lifetime.toDuration()).as("never more than asked").isLessThanOrEqualTo(d);
        if (d.compareTo(Lifetime.MAX.toDuration()) >= 0) {
            assertThat(lifetime).isEqualTo(Lifetime.MAX);
        } else {
            assertThat(d.minus(lifetime.toDuration())).as("less than one unit short")
                    .isLessThan(Duration.ofSeconds(Lifetime.UNIT_SECONDS));
        }
        if (d.getNano() == 0) {
            assertThat(Lifetime.ofSeconds(d.getSeconds())).isEqualTo(lifetime);
        }
        Statistics.label("clamped").collect(lifetime.equals(Lifetime.MAX));
    }

    @Property
    void ofDurationRejectsNegativeDurations(@ForAll("negativeDurations") Duration d) {
        assertThatThrownBy(() -> Lifetime.ofDuration(d)).isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void secondsAreFourTimesTheUnits(@ForAll @IntRange(min = 0, max = 0xFFFF) int units) {
        Lifetime lifetime = Lifetime.ofUnits(units);

        assertThat(lifetime.seconds()).isEqualTo(4L * units);
        assertThat(lifetime.toDuration()).isEqualTo(Duration.ofSeconds(4L * units));
        assertThat(Lifetime.ofDuration(lifetime.toDuration())).isEqualTo(lifetime);
    }

    @Example
    void unitsOutside16BitsAreRejected() {
        for (int units : new int[] {-1, 0x10000, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            assertThatThrownBy(() -> Lifetime.ofUnits(units)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Lifetime.MAX.units()).isEqualTo(0xFFFF);
        assertThat(Lifetime.MAX.seconds()).isEqualTo(262_140L);
    }
}
