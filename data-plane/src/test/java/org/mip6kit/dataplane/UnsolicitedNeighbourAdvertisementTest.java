package org.mip6kit.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.wire.Ipv6Address;

/** The unsolicited Neighbor Advertisement's octets, field by field (RFC 4861 §4.4, §4.6.1, §7.2.6). */
@Tag("small")
class UnsolicitedNeighbourAdvertisementTest {

    @Test
    void advertisementOverridesCachedEntriesAndCarriesTheTargetLinkLayerAddress() {
        byte[] m = UnsolicitedNeighbourAdvertisement.message(Ipv6Address.parse("2001:db8:1::b"),
                HexFormat.of().parseHex("02005e0000aa"), true);
        assertThat(HexFormat.of().formatHex(m)).isEqualTo(""
                + "88" + "00" + "0000"                          // type 136, code 0, checksum left to the kernel
                + "a0" + "000000"                               // R=1 S=0 (unsolicited) O=1, reserved
                + "20010db80001000000000000" + "0000000b"       // target 2001:db8:1::b
                + "02" + "01" + "02005e0000aa");                // Target Link-Layer Address option, length 1 (8 octets)
    }

    @Test
    void aHostDoesNotSetTheRouterFlag() {
        byte[] m = UnsolicitedNeighbourAdvertisement.message(Ipv6Address.parse("2001:db8:1::b"),
                new byte[6], false);
        assertThat(m[4] & 0xff).isEqualTo(UnsolicitedNeighbourAdvertisement.OVERRIDE);
        assertThat(m).hasSize(32);
    }

    @Test
    void aLinkLayerAddressOtherThanEthernetIsRefused() {
        assertThatThrownBy(() -> UnsolicitedNeighbourAdvertisement.message(Ipv6Address.parse("2001:db8:1::b"),
                new byte[8], true)).isInstanceOf(IllegalArgumentException.class);
    }
}
