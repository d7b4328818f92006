package org.mip6kit.provider.tls.protect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** RFC 6618 §6 packets as RFC 4303 §2 shapes them: one test per rule. */
@Tag("small")
class PacketProtectionTest {

    @ParameterizedTest
    @EnumSource(Suite.class)
    void bindingUpdateRoundTripsInBothDirections(Suite suite) {
        PacketProtection p = Fixtures.protection(suite);
        for (Direction d : Direction.values()) {
            byte[] datagram = p.protectMobilityHeader(d, 0, Fixtures.BINDING_UPDATE);
            Verification v = p.verify(d, datagram, new ReplayWindow());
            assertThat(v.accepted()).as(suite + " " + d + ": " + v).isTrue();
            Verified packet = v.packet();
            assertThat(packet.packetType()).isEqualTo(PacketType.MOBILITY_HEADER);
            assertThat(packet.spi()).isEqualTo(Fixtures.SPI);
            assertThat(packet.sequence()).isZero();
            assertThat(packet.nextHeader()).isEqualTo(135);
            assertThat(packet.payload()).isEqualTo(Fixtures.BINDING_UPDATE);
        }
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void headerCarriesPTypeSpiAndSequenceInTheClear(Suite suite) {
        byte[] datagram = Fixtures.protection(suite).protectMobilityHeader(Direction.MN_TO_HA, 0x01020304L,
                Fixtures.BINDING_UPDATE);
        assertThat(Arrays.copyOf(datagram, 8)).containsExactly(0x80, 0xAB, 0xCD, 0xEF, 0x01, 0x02, 0x03, 0x04);
        assertThat(PacketProtection.peekType(datagram)).isEqualTo(PacketType.MOBILITY_HEADER);
        assertThat(PacketProtection.peekSpi(datagram)).isEqualTo(Fixtures.SPI);
    }

    @Test
    void nullEncryptionLeavesPayloadReadableAndPadsWith123() {
        byte[] payload = Fixtures.bytes(5, 9);
        byte[] d = Fixtures.protection(Suite.NULL_SHA).protectMobilityHeader(Direction.MN_TO_HA, 1, payload);
        // 8 header + 5 payload + 1 padding + pad length + next header = 16, + 12 ICV
        assertThat(d).hasSize(28);
        assertThat(Arrays.copyOfRange(d, 8, 13)).isEqualTo(payload);
        assertThat(Arrays.copyOfRange(d, 13, 16)).containsExactly(1, 1, 135);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void paddingReachesBlockAndWordBoundaryForPayloadsOf0To40Octets(Suite suite) {
        PacketProtection p = Fixtures.protection(suite);
        int align = Math.max(suite.blockSize(), 4);
        for (int n = 0; n <= 40; n++) {
            byte[] payload = Fixtures.bytes(n, n);
            byte[] d = p.protectMobilityHeader(Direction.HA_TO_MN, n, payload);
            int body = d.length - 8 - suite.ivLength() - 12;
            assertThat(body % align).as("n=" + n).isZero();
            assertThat(body - (n + 2)).as("padding for n=" + n).isBetween(0, align - 1);
            Verification v = p.verify(Direction.HA_TO_MN, d, new ReplayWindow());
            assertThat(v.accepted()).as("n=" + n + " " + v).isTrue();
            assertThat(v.packet().payload()).isEqualTo(payload);
        }
    }

    @Test
    void cbcIvIsFreshForEveryPacket() {
        PacketProtection p = Fixtures.protection(Suite.AES_128_CBC_SHA);
        byte[] a = p.protectMobilityHeader(Direction.MN_TO_HA, 1, Fixtures.BINDING_UPDATE);
        byte[] b = p.protectMobilityHeader(Direction.MN_TO_HA, 1, Fixtures.BINDING_UPDATE);
        assertThat(Arrays.copyOfRange(a, 8, 24)).isNotEqualTo(Arrays.copyOfRange(b, 8, 24));
        assertThat(Arrays.copyOfRange(a, 24, a.length)).isNotEqualTo(Arrays.copyOfRange(b, 24, b.length));
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void anyChangedOctetAfterTheSpiFailsTheIcv(Suite suite) {
        PacketProtection p = Fixtures.protection(suite);
        byte[] d = p.protectMobilityHeader(Direction.MN_TO_HA, 5, Fixtures.BINDING_UPDATE);
        for (int i = 0; i < d.length; i++) {
            for (int bit : new int[] {0x01, 0x80}) {
                byte[] t = d.clone();
                t[i] ^= (byte) bit;
                Verification v = p.verify(Direction.MN_TO_HA, t, new ReplayWindow());
                assertThat(v.accepted()).as("octet " + i).isFalse();
                if (i >= 4) {
                    assertThat(v.failure()).as("octet " + i + " bit " + bit).isEqualTo(VerifyFailure.BAD_ICV);
                }
            }
        }
    }

    @Test
    void changedPTypeOrSpiIsRefusedBeforeTheIcv() {
        PacketProtection p = Fixtures.protection(Suite.NULL_SHA);
        byte[] d = p.protectMobilityHeader(Direction.MN_TO_HA, 5, Fixtures.BINDING_UPDATE);
        byte[] otherType = d.clone();
        otherType[0] = (byte) (0x20 | (otherType[0] & 0x0F));
        assertThat(p.verify(Direction.MN_TO_HA, otherType, new ReplayWindow()).failure())
                .isEqualTo(VerifyFailure.UNKNOWN_PTYPE);
        byte[] ipType = d.clone();
        ipType[0] = (byte) (0x10 | (ipType[0] & 0x0F));
        assertThat(p.verify(Direction.MN_TO_HA, ipType, new ReplayWindow()).failure()).isEqualTo(VerifyFailure.BAD_ICV);
        byte[] otherSpi = d.clone();
        otherSpi[3] ^= 1;
        assertThat(p.verify(Direction.MN_TO_HA, otherSpi, new ReplayWindow()).failure())
                .isEqualTo(VerifyFailure.WRONG_SPI);
    }

    @Test
    void packetOfAnotherAssociationIsWrongSpi() {
        PacketProtection mine = Fixtures.protection(Suite.NULL_SHA);
        PacketProtection other = new PacketProtection(Fixtures.association(Suite.NULL_SHA, 77, Fixtures.NOW.plusSeconds(60)),
                new SecureRandom(), Fixtures.CLOCK);
        byte[] d = other.protectMobilityHeader(Direction.MN_TO_HA, 0, Fixtures.BINDING_UPDATE);
        assertThat(mine.verify(Direction.MN_TO_HA, d, new ReplayWindow()).failure()).isEqualTo(VerifyFailure.WRONG_SPI);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void keysOfTheOtherDirectionFailTheIcv(Suite suite) {
        PacketProtection p = Fixtures.protection(suite);
        byte[] d = p.protectMobilityHeader(Direction.MN_TO_HA, 0, Fixtures.BINDING_UPDATE);
        assertThat(p.verify(Direction.HA_TO_MN, d, new ReplayWindow()).failure()).isEqualTo(VerifyFailure.BAD_ICV);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void truncatedDatagramIsRefused(Suite suite) {
        PacketProtection p = Fixtures.protection(suite);
        byte[] d = p.protectMobilityHeader(Direction.MN_TO_HA, 0, Fixtures.BINDING_UPDATE);
        for (int n = 0; n < d.length; n++) {
            Verification v = p.verify(Direction.MN_TO_HA, Arrays.copyOf(d, n), new ReplayWindow());
            assertThat(v.accepted()).as("length " + n).isFalse();
            assertThat(v.failure()).as("length " + n).isIn(VerifyFailure.TOO_SHORT, VerifyFailure.BAD_LENGTH,
                    VerifyFailure.BAD_ICV);
        }
        assertThat(p.verify(Direction.MN_TO_HA, Arrays.copyOf(d, 7), new ReplayWindow()).failure())
                .isEqualTo(VerifyFailure.TOO_SHORT);
        assertThat(p.verify(Direction.MN_TO_HA, Arrays.copyOf(d, d.length - 1), new ReplayWindow()).failure())
                .isEqualTo(VerifyFailure.BAD_LENGTH);
    }

    @Test
    void replayedDatagramIsRefusedAndFirstSequenceZeroAccepted() {
        PacketProtection p = Fixtures.protection(Suite.AES_128_CBC_SHA);
        ReplayWindow window = new ReplayWindow();
        byte[] d = p.protectMobilityHeader(Direction.MN_TO_HA, 0, Fixtures.BINDING_UPDATE);
        assertThat(p.verify(Direction.MN_TO_HA, d, window).accepted()).isTrue();
        assertThat(p.verify(Direction.MN_TO_HA, d, window).failure()).isEqualTo(VerifyFailure.REPLAYED);
        byte[] again = p.protectMobilityHeader(Direction.MN_TO_HA, 0, Fixtures.BINDING_UPDATE);
        assertThat(p.verify(Direction.MN_TO_HA, again, window).failure()).isEqualTo(VerifyFailure.REPLAYED);
    }

    @Test
    void sequenceLeftOfTheWindowIsTooOld() {
        PacketProtection p = Fixtures.protection(Suite.NULL_SHA);
        ReplayWindow window = new ReplayWindow(64);
        byte[] old = p.protectMobilityHeader(Direction.MN_TO_HA, 100, Fixtures.BINDING_UPDATE);
        assertThat(p.verify(Direction.MN_TO_HA, p.protectMobilityHeader(Direction.MN_TO_HA, 164, Fixtures.BINDING_UPDATE),
                window).accepted()).isTrue();
        assertThat(p.verify(Direction.MN_TO_HA, old, window).failure()).isEqualTo(VerifyFailure.TOO_OLD);
    }

    @Test
    void forgedPacketDoesNotMoveTheWindow() {
        PacketProtection p = Fixtures.protection(Suite.NULL_SHA);
        ReplayWindow window = new ReplayWindow();
        byte[] forged = p.protectMobilityHeader(Direction.MN_TO_HA, 1_000_000, Fixtures.BINDING_UPDATE);
        forged[forged.length - 1] ^= 1;
        assertThat(p.verify(Direction.MN_TO_HA, forged, window).failure()).isEqualTo(VerifyFailure.BAD_ICV);
        assertThat(window.highest()).isEqualTo(-1);
        assertThat(p.verify(Direction.MN_TO_HA, p.protectMobilityHeader(Direction.MN_TO_HA, 3, Fixtures.BINDING_UPDATE),
                window).accepted()).isTrue();
    }

    @Test
    void plaintextPacketTypeIsNeverAccepted() {
        PacketProtection p = Fixtures.protection(Suite.NULL_SHA);
        byte[] d = new byte[40];
        assertThat(PacketProtection.peekType(d)).isEqualTo(PacketType.PLAINTEXT);
        assertThat(p.verify(Direction.MN_TO_HA, d, new ReplayWindow()).failure()).isEqualTo(VerifyFailure.PLAINTEXT);
        assertThatThrownBy(() -> p.protect(Direction.MN_TO_HA, PacketType.PLAINTEXT, 135, 0, new byte[4]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ipPacketTypeCarriesIpv6OrIpv4NextHeaderOnly() {
        PacketProtection p = Fixtures.protection(Suite.AES_128_CBC_SHA);
        byte[] d = p.protect(Direction.HA_TO_MN, PacketType.IP_PACKET, 41, 9, Fixtures.bytes(60, 5));
        Verified v = p.verify(Direction.HA_TO_MN, d, new ReplayWindow()).packet();
        assertThat(v.packetType()).isEqualTo(PacketType.IP_PACKET);
        assertThat(v.nextHeader()).isEqualTo(41);
        assertThatThrownBy(() -> p.protect(Direction.HA_TO_MN, PacketType.IP_PACKET, 135, 9, new byte[4]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.protect(Direction.HA_TO_MN, PacketType.MOBILITY_HEADER, 41, 9, new byte[4]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void authenticBodyWithBadPaddingOrNextHeaderIsRefused() throws Exception {
        PacketProtection p = Fixtures.protection(Suite.NULL_SHA);
        // payload 4 octets, padding 2 octets that must read 01 02, pad length 2, next header 135
        assertThat(p.verify(Direction.MN_TO_HA, signed(new byte[] {7, 7, 7, 7, 1, 3, 2, (byte) 135}),
                new ReplayWindow()).failure()).isEqualTo(VerifyFailure.BAD_PADDING);
        assertThat(p.verify(Direction.MN_TO_HA, signed(new byte[] {7, 7, 7, 7, 1, 2, 9, (byte) 135}),
                new ReplayWindow()).failure()).isEqualTo(VerifyFailure.BAD_PADDING);
        assertThat(p.verify(Direction.MN_TO_HA, signed(new byte[] {7, 7, 7, 7, 1, 2, 2, 59}),
                new ReplayWindow()).failure()).isEqualTo(VerifyFailure.BAD_NEXT_HEADER);
        assertThat(p.verify(Direction.MN_TO_HA, signed(new byte[] {7, 7, 7, 7, 1, 2, 2, (byte) 135}),
                new ReplayWindow()).packet().payload()).containsExactly(7, 7, 7, 7);
    }

    /** A PType 8 NULL_SHA packet around {@code body} (payload, padding, pad length, next header), signed in the test. */
    private static byte[] signed(byte[] body) throws Exception {
        byte[] d = new byte[8 + body.length + 12];
        byte[] header = {(byte) 0x80, (byte) 0xAB, (byte) 0xCD, (byte) 0xEF, 0, 0, 0, 1};
        System.arraycopy(header, 0, d, 0, 8);
        System.arraycopy(body, 0, d, 8, body.length);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(Fixtures.bytes(20, 1), "HmacSHA1"));
        mac.update(d, 0, 8 + body.length);
        System.arraycopy(mac.doFinal(), 0, d, 8 + body.length, 12);
        return d;
    }

    @Test
    void withoutGraceAssociationPastItsValidityEndNeitherProtectsNorVerifies() {
        SecurityAssociation sa = Fixtures.association(Suite.NULL_SHA, Fixtures.SPI, Fixtures.NOW.plusSeconds(10));
        byte[] d = new PacketProtection(sa, new SecureRandom(), Fixtures.CLOCK)
                .protectMobilityHeader(Direction.MN_TO_HA, 0, Fixtures.BINDING_UPDATE);
        PacketProtection later = new PacketProtection(sa, new SecureRandom(), at(Duration.ofSeconds(11)));
        assertThat(later.grace()).isZero();
        assertThat(later.verify(Direction.MN_TO_HA, d, new ReplayWindow()).failure()).isEqualTo(VerifyFailure.EXPIRED);
        assertThatThrownBy(() -> later.protectMobilityHeader(Direction.MN_TO_HA, 1, Fixtures.BINDING_UPDATE))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("expired");
    }

    @Test
    void validityEndItselfIsStillValid() {
        SecurityAssociation sa = Fixtures.association(Suite.NULL_SHA, Fixtures.SPI, Fixtures.NOW.plusSeconds(10));
        PacketProtection atEnd = new PacketProtection(sa, new SecureRandom(), at(Duration.ofSeconds(10)));
        byte[] d = atEnd.protectMobilityHeader(Direction.MN_TO_HA, 0, Fixtures.BINDING_UPDATE);
        assertThat(atEnd.verify(Direction.MN_TO_HA, d, new ReplayWindow()).accepted()).isTrue();
        assertThat(atEnd.pastValidityEnd()).isFalse();
    }

    @Test
    void withinGraceAfterValidityEndProtectsAndVerifiesAndSaysItIsPastTheEnd() {
        SecurityAssociation sa = Fixtures.association(Suite.AES_128_CBC_SHA, Fixtures.SPI, Fixtures.NOW.plusSeconds(10));
        PacketProtection inGrace = new PacketProtection(sa, Duration.ofSeconds(60), new SecureRandom(),
                at(Duration.ofSeconds(10 + 60)));
        assertThat(inGrace.pastValidityEnd()).isTrue();
        assertThat(inGrace.usableUntil()).isEqualTo(Fixtures.NOW.plusSeconds(70));
        byte[] d = inGrace.protectMobilityHeader(Direction.HA_TO_MN, 0, Fixtures.BINDING_UPDATE);
        Verification v = inGrace.verify(Direction.HA_TO_MN, d, new ReplayWindow());
        assertThat(v.accepted()).as(v.toString()).isTrue();
        assertThat(v.packet().payload()).isEqualTo(Fixtures.BINDING_UPDATE);
    }

    @Test
    void afterValidityEndAndGraceNeitherProtectsNorVerifies() {
        SecurityAssociation sa = Fixtures.association(Suite.AES_128_CBC_SHA, Fixtures.SPI, Fixtures.NOW.plusSeconds(10));
        byte[] d = new PacketProtection(sa, Duration.ofSeconds(60), new SecureRandom(), Fixtures.CLOCK)
                .protectMobilityHeader(Direction.MN_TO_HA, 0, Fixtures.BINDING_UPDATE);
        PacketProtection late = new PacketProtection(sa, Duration.ofSeconds(60), new SecureRandom(),
                at(Duration.ofSeconds(10 + 60).plusMillis(1)));
        assertThat(late.verify(Direction.MN_TO_HA, d, new ReplayWindow()).failure()).isEqualTo(VerifyFailure.EXPIRED);
        assertThatThrownBy(() -> late.protectMobilityHeader(Direction.MN_TO_HA, 1, Fixtures.BINDING_UPDATE))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("expired");
    }

    @Test
    void negativeGraceIsRefused() {
        assertThatThrownBy(() -> new PacketProtection(Fixtures.association(Suite.NULL_SHA), Duration.ofSeconds(-1),
                new SecureRandom(), Fixtures.CLOCK)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("grace");
    }

    private static Clock at(Duration afterNow) {
        return Clock.offset(Fixtures.CLOCK, afterNow);
    }

    @Test
    void verifyReadsOnlyItsSliceOfTheBuffer() {
        PacketProtection p = Fixtures.protection(Suite.AES_128_CBC_SHA);
        byte[] d = p.protectMobilityHeader(Direction.MN_TO_HA, 0, Fixtures.BINDING_UPDATE);
        byte[] buffer = new byte[d.length + 20];
        Arrays.fill(buffer, (byte) 0x5A);
        System.arraycopy(d, 0, buffer, 7, d.length);
        assertThat(p.verify(Direction.MN_TO_HA, buffer, 7, d.length, new ReplayWindow()).packet().payload())
                .isEqualTo(Fixtures.BINDING_UPDATE);
    }

    @Test
    void peeksAnswerForShortDatagrams() {
        assertThat(PacketProtection.peekSpi(new byte[7])).isEqualTo(-1);
        assertThat(PacketProtection.peekType(new byte[7])).isNull();
        assertThat(PacketProtection.peekType(new byte[] {(byte) 0xF0, 0, 0, 1, 0, 0, 0, 0})).isNull();
        assertThat(PacketProtection.peekTypeCode(new byte[] {(byte) 0xF0, 0, 0, 1, 0, 0, 0, 0})).isEqualTo(15);
    }

    @Test
    void refusedVerificationHasNoPacket() {
        Verification v = Fixtures.protection(Suite.NULL_SHA).verify(Direction.MN_TO_HA, new byte[3], new ReplayWindow());
        assertThatThrownBy(v::packet).isInstanceOf(IllegalStateException.class).hasMessageContaining("TOO_SHORT");
    }
}
