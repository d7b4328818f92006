package org.mip6kit.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.SequenceNumber;

/** What escapes an {@link Inbound} cannot change it, and the reads that copy less read the same octets. */
@Tag("small")
class InboundTest {

    private static final Ipv6Address HOME = Ipv6Address.parse("2001:db8:1::100");
    private static final Ipv6Address CARE_OF = Ipv6Address.parse("2001:db8:2::100");
    private static final Ipv6Address HOME_AGENT = Ipv6Address.parse("2001:db8:1::1");
    private static final Addressing FROM_CARE_OF = new Addressing(CARE_OF, HOME_AGENT, Optional.of(HOME),
            Optional.empty(), Optional.empty());
    private static final BindingUpdate BU = new BindingUpdate(SequenceNumber.of(9),
            EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION), Lifetime.ofUnits(100),
            List.of(MobileNodeIdentifier.nai("mn@example.org")));

    private static byte[] encoded() {
        return MobilityHeaderCodec.standard().encode(BU, HOME, HOME_AGENT);
    }

    @Test
    void theConstructorCopiesTheCallersArray() {
        byte[] octets = encoded();
        Inbound in = new Inbound(octets, FROM_CARE_OF, Observed.NOTHING);
        octets[6] ^= 0x7f;
        assertThat(in.octet(6)).isEqualTo(encoded()[6] & 0xFF);
    }

    @Test
    void octetsReturnsACopyThatCannotChangeTheMessage() {
        Inbound in = new Inbound(encoded(), FROM_CARE_OF, Observed.NOTHING);
        byte[] copy = in.octets();
        copy[6] ^= 0x7f;
        assertThat(in.octets()).isEqualTo(encoded());
    }

    @Test
    void copyToFillsTheCallersBufferWithTheOctetsAsked() {
        Inbound in = new Inbound(encoded(), FROM_CARE_OF, Observed.NOTHING);
        byte[] buffer = new byte[in.length() + 3];
        in.copyTo(2, buffer, 3, in.length() - 2);
        byte[] expected = encoded();
        for (int i = 2; i < expected.length; i++) {
            assertThat(buffer[i + 1]).as("octet %d", i).isEqualTo(expected[i]);
        }
    }

    @Test
    void copyToRefusesARangeOutsideTheMessage() {
        Inbound in = new Inbound(encoded(), FROM_CARE_OF, Observed.NOTHING);
        byte[] buffer = new byte[4096];
        assertThrows(IndexOutOfBoundsException.class, () -> in.copyTo(1, buffer, 0, in.length()));
    }

    @Test
    void copyToRefusesARangeOutsideTheBuffer() {
        Inbound in = new Inbound(encoded(), FROM_CARE_OF, Observed.NOTHING);
        byte[] small = new byte[in.length() - 1];
        assertThrows(IndexOutOfBoundsException.class, () -> in.copyTo(0, small, 0, in.length()));
    }

    @Test
    void decodeChecksTheChecksumOverTheHomeAddressOfTheHomeAddressOption() throws MobilityHeaderFormatException {
        Inbound in = new Inbound(encoded(), FROM_CARE_OF, Observed.NOTHING);
        assertThat(in.decode(MobilityHeaderCodec.standard())).isEqualTo(BU);
    }

    @Test
    void decodeRefusesOctetsWhoseChecksumIsForOtherAddresses() {
        Addressing withoutHomeAddressOption = new Addressing(CARE_OF, HOME_AGENT, Optional.empty(), Optional.empty(),
                Optional.empty());
        Inbound in = new Inbound(encoded(), withoutHomeAddressOption, Observed.NOTHING);
        assertThrows(MobilityHeaderFormatException.class, () -> in.decode(MobilityHeaderCodec.standard()));
    }

    @Test
    void wrappingGivesTheSameMessageAsTheConstructor() {
        assertThat(Inbound.wrapping(encoded(), FROM_CARE_OF, Observed.NOTHING))
                .isEqualTo(new Inbound(encoded(), FROM_CARE_OF, Observed.NOTHING));
    }
}
