package org.mip6kit.provider.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityOptionRegistry;
import org.mip6kit.wire.SequenceNumber;

/** The home address assignment records of mode {@code dtls}: layout, strict decoding, and never a Mobility Header. */
@Tag("small")
class DtlsAssignmentTest {

    private static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::1:0:7");
    private static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");

    @Test
    void requestLayoutIsMarkerVersionTypeStatusTransactionAndAddresses() {
        byte[] b = DtlsAssignment.request(0x01020304, Optional.of(HOA)).encode();

        assertThat(HexFormat.of().formatHex(b)).isEqualTo(
                "ff" + "01" + "01" + "00"                     // marker 255, version 1, type request, status 0
                        + "01020304"                           // transaction ID
                        + "20010db8000100000000000100000007"   // home address asked for
                        + "00000000000000000000000000000000"); // home agent: none in a request
    }

    @Test
    void answerLayoutNamesTheAssignedHomeAddressAndTheHomeAgent() {
        byte[] b = DtlsAssignment.assigned(-1, HOA, HA).encode();

        assertThat(HexFormat.of().formatHex(b)).isEqualTo("ff010200" + "ffffffff"
                + "20010db8000100000000000100000007" + "20010db8000100000000000000000001");
    }

    @Test
    void everyMessageDecodesToItself() throws Exception {
        for (DtlsAssignment m : new DtlsAssignment[] {
                DtlsAssignment.request(7, Optional.empty()),
                DtlsAssignment.request(8, Optional.of(HOA)),
                DtlsAssignment.assigned(9, HOA, HA),
                DtlsAssignment.refused(10, DtlsAssignment.NOT_AVAILABLE, HA),
                DtlsAssignment.refused(11, DtlsAssignment.NONE_FREE, HA)}) {
            assertThat(DtlsAssignment.decode(m.encode())).isEqualTo(m);
        }
    }

    @Test
    void aMobilityHeaderIsNeverTakenForAnAssignment() {
        byte[] mh = new MobilityHeaderCodec(MobilityOptionRegistry.standard()).encode(new BindingUpdate(
                SequenceNumber.of(1), java.util.Set.of(BindingUpdate.Flag.ACKNOWLEDGE,
                        BindingUpdate.Flag.HOME_REGISTRATION), Lifetime.ofUnits(150), java.util.List.of()), HOA, HA);

        assertThat(mh[0] & 0xFF).as("Payload Proto of an encoded Mobility Header (IPPROTO_NONE)").isEqualTo(59);
        assertThat(DtlsAssignment.isAssignment(mh)).isFalse();
        assertThat(DtlsAssignment.isAssignment(DtlsAssignment.request(1, Optional.empty()).encode())).isTrue();
        assertThat(DtlsAssignment.isAssignment(new byte[0])).isFalse();
    }

    @Test
    void rejectsARecordOfAnotherLength() {
        byte[] b = DtlsAssignment.request(1, Optional.empty()).encode();
        byte[] longer = java.util.Arrays.copyOf(b, 41);

        assertThat(assertThrows(DtlsAssignment.AssignmentFormatException.class, () -> DtlsAssignment.decode(longer)))
                .hasMessageContaining("length").hasMessageContaining("41");
    }

    @Test
    void rejectsAnotherVersion() {
        byte[] b = DtlsAssignment.request(1, Optional.empty()).encode();
        b[1] = 2;

        assertThat(assertThrows(DtlsAssignment.AssignmentFormatException.class, () -> DtlsAssignment.decode(b)))
                .hasMessageContaining("version at offset 1");
    }

    @Test
    void rejectsAnUnknownType() {
        byte[] b = DtlsAssignment.request(1, Optional.empty()).encode();
        b[2] = 3;

        assertThat(assertThrows(DtlsAssignment.AssignmentFormatException.class, () -> DtlsAssignment.decode(b)))
                .hasMessageContaining("type at offset 2");
    }

    @Test
    void rejectsAStatusInARequest() {
        byte[] b = DtlsAssignment.request(1, Optional.empty()).encode();
        b[3] = 1;

        assertThat(assertThrows(DtlsAssignment.AssignmentFormatException.class, () -> DtlsAssignment.decode(b)))
                .hasMessageContaining("status at offset 3");
    }

    @Test
    void rejectsARequestNamingAHomeAgent() {
        byte[] b = DtlsAssignment.request(1, Optional.empty()).encode();
        b[39] = 1;

        assertThat(assertThrows(DtlsAssignment.AssignmentFormatException.class, () -> DtlsAssignment.decode(b)))
                .hasMessageContaining("home agent address at offset 24");
    }

    @Test
    void rejectsAnAssignmentWithoutAHomeAddress() {
        byte[] b = DtlsAssignment.assigned(1, HOA, HA).encode();
        java.util.Arrays.fill(b, 8, 24, (byte) 0);

        assertThat(assertThrows(DtlsAssignment.AssignmentFormatException.class, () -> DtlsAssignment.decode(b)))
                .hasMessageContaining("home address at offset 8");
    }

    @Test
    void rejectsARefusalThatAssignsAnAddress() {
        byte[] b = DtlsAssignment.assigned(1, HOA, HA).encode();
        b[3] = DtlsAssignment.NOT_AVAILABLE;

        assertThat(assertThrows(DtlsAssignment.AssignmentFormatException.class, () -> DtlsAssignment.decode(b)))
                .hasMessageContaining("home address at offset 8");
    }
}
