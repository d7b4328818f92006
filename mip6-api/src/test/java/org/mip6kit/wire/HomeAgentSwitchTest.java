package org.mip6kit.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mip6kit.wire.TestVectors.COA;
import static org.mip6kit.wire.TestVectors.HA;
import static org.mip6kit.wire.TestVectors.hex;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** RFC 5142 §4: the Home Agent Switch message, octet by octet. */
@Tag("small")
class HomeAgentSwitchTest {

    private static final MobilityHeaderCodec CODEC = MobilityHeaderCodec.standard();
    private static final Ipv6Address HA2 = Ipv6Address.parse("2001:db8:1::2");
    private static final Ipv6Address HA3 = Ipv6Address.parse("2001:db8:1::3");

    /** Two home agents, no options: 8 + 32 = 40 octets, Header Len 4. */
    private static final byte[] TWO_AGENTS = hex(
            "3b"          // Payload Proto 59
          + "04"          // Header Len 4: (4 + 1) x 8 = 40 octets
          + "0c"          // MH Type 12, Home Agent Switch
          + "00"          // Reserved
          + "0000"        // Checksum (not checked here)
          + "02"          // # of Addresses 2
          + "00"          // Reserved
          + "20010db8000100000000000000000002"   // 2001:db8:1::2, most preferred
          + "20010db8000100000000000000000003"); // 2001:db8:1::3

    @Test
    void encodesAddressCountReservedAndAddressesInPreferenceOrder() {
        byte[] mh = CODEC.encodeWithoutChecksum(HomeAgentSwitch.to(List.of(HA2, HA3)));
        assertThat(mh).isEqualTo(TWO_AGENTS);
    }

    @Test
    void decodesTheAddressesInOrder() throws MobilityHeaderFormatException {
        MobilityMessage m = CODEC.decodeTrustingChecksum(TWO_AGENTS);
        assertThat(m).isEqualTo(HomeAgentSwitch.to(List.of(HA2, HA3)));
        assertThat(m.type()).hasToString("Home Agent Switch(12)");
    }

    @Test
    void emptyListIsEightOctetsWithHeaderLenZero() throws MobilityHeaderFormatException {
        byte[] mh = CODEC.encode(HomeAgentSwitch.to(List.of()), HA, COA);
        assertThat(mh).hasSize(8);
        assertThat(mh[1]).isZero();
        assertThat(mh[6]).isZero();
        assertThat(CODEC.decode(mh, HA, COA)).isEqualTo(HomeAgentSwitch.to(List.of()));
    }

    @Test
    void optionsFollowTheAddressesAndRoundTrip() throws MobilityHeaderFormatException {
        HomeAgentSwitch has = new HomeAgentSwitch(List.of(HA2),
                List.of(new UnknownOption(200, new byte[] {1, 2, 3})));
        byte[] mh = CODEC.encode(has, HA, COA);
        assertThat(MobilityHeaderCodec.optionsOffset(mh)).isEqualTo(24);
        assertThat(mh[24] & 0xFF).isEqualTo(200);
        assertThat(CODEC.decode(mh, HA, COA)).isEqualTo(has);
    }

    @Test
    void rejectsAddressCountThatRunsPastHeaderLenWithParameterProblem() {
        byte[] bad = TWO_AGENTS.clone();
        bad[6] = 3;
        MobilityHeaderFormatException e = assertThrows(MobilityHeaderFormatException.class,
                () -> CODEC.decodeTrustingChecksum(bad));
        assertThat(e.field()).isEqualTo("Header Len");
        assertThat(e.offset()).isEqualTo(1);
        assertThat(e.reaction()).isEqualTo(FormatReaction.ICMP_PARAMETER_PROBLEM);
    }

    @Test
    void rejectsAddressCountOf255InAnEightOctetMessage() {
        byte[] bad = hex("3b 00 0c 00 0000 ff 00");
        MobilityHeaderFormatException e = assertThrows(MobilityHeaderFormatException.class,
                () -> CODEC.decodeTrustingChecksum(bad));
        assertThat(e.field()).isEqualTo("Header Len");
    }

    @Test
    void rejectsAMulticastHomeAgentOnTheWireAsFormatError() {
        byte[] bad = TWO_AGENTS.clone();
        bad[8] = (byte) 0xff;
        MobilityHeaderFormatException e = assertThrows(MobilityHeaderFormatException.class,
                () -> CODEC.decodeTrustingChecksum(bad));
        assertThat(e.field()).isEqualTo("Home Agent Addresses");
        assertThat(e.reaction()).isEqualTo(FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsTheSameHomeAgentListedTwice() {
        assertThrows(IllegalArgumentException.class, () -> HomeAgentSwitch.to(List.of(HA2, HA2)));
    }

    @Test
    void rejectsMoreAddressesThanHeaderLenCanHold() {
        List<Ipv6Address> many = new ArrayList<>();
        for (int i = 1; i <= HomeAgentSwitch.MAX_ADDRESSES + 1; i++) {
            many.add(Ipv6Address.parse("2001:db8:9::" + Integer.toHexString(i)));
        }
        assertThrows(IllegalArgumentException.class, () -> HomeAgentSwitch.to(many));
        HomeAgentSwitch largest = HomeAgentSwitch.to(many.subList(0, HomeAgentSwitch.MAX_ADDRESSES));
        assertThat(CODEC.encodeWithoutChecksum(largest)).hasSize(8 + 16 * HomeAgentSwitch.MAX_ADDRESSES);
    }

    @Test
    void theListIsCopiedIn() {
        List<Ipv6Address> agents = new ArrayList<>(List.of(HA2));
        HomeAgentSwitch has = HomeAgentSwitch.to(agents);
        agents.add(HA3);
        assertThat(has.homeAgents()).containsExactly(HA2);
        assertThrows(UnsupportedOperationException.class, () -> has.homeAgents().add(HA3));
    }
}
