package org.mip6kit.provider.tls.control;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.wire.Ipv6Address;

/** A controller with one known node, a recording provisioner and a fixed clock. */
final class Fixtures {

    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String MN_ID = "mn1@example.net";
    static final byte[] PSK = bytes(32, 0x11);
    static final byte[] CB = bytes(32, 0x5c);
    static final byte[] MN_IKEY = bytes(20, 0xa1);
    static final byte[] MN_EKEY = bytes(16, 0xa2);
    static final byte[] HA_IKEY = bytes(20, 0xa3);
    static final byte[] HA_EKEY = bytes(16, 0xa4);

    final List<ProvisioningRequest> provisioned = new ArrayList<>();
    ProvisioningOutcome outcome = Assignment.builder()
            .homeAgent(Ipv6Address.parse("2001:db8::1")).port(7872)
            .homeAddress(Ipv6Address.parse("2001:db8:1::42")).homePrefix(HomePrefix.parse("2001:db8:1::/64"))
            .spi(0x0abcdef).suite("AES_128_CBC_SHA").keys(MN_IKEY, MN_EKEY, HA_IKEY, HA_EKEY)
            .validityEnd(NOW.plus(Duration.ofHours(12))).scope(SaScope.SIGNALLING).build();

    static byte[] bytes(int n, int fill) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    HacExchange hac(byte[] channelBinding) {
        return new HacExchange(id -> id.equals(MN_ID) ? Optional.of(new PreSharedKey(PSK)) : Optional.empty(),
                channelBinding, r -> {
                    provisioned.add(r);
                    return outcome;
                }, new SecureRandom(), CLOCK);
    }

    HacExchange hac() {
        return hac(CB);
    }

    static MnExchange mn(String id, byte[] psk, byte[] channelBinding, Clock clock) {
        return new MnExchange(id, new PreSharedKey(psk), channelBinding, MnExchange.Wanted.scope(SaScope.SIGNALLING),
                List.of("AES_128_CBC_SHA256", "AES_128_CBC_SHA"), new SecureRandom(), clock);
    }

    static MnExchange mn() {
        return mn(MN_ID, PSK, CB, CLOCK);
    }

    /** Through the codec, as TLS would carry it. */
    static ControlMessage wire(ControlMessage m) {
        try {
            return ControlCodec.decode(ControlCodec.encode(m));
        } catch (ControlFormatException e) {
            throw new AssertionError(e);
        }
    }

    /** The MHAuth-Done a node would send after {@code initResp}, signed with any key and binding. */
    static ControlMessage done(ControlMessage init, ControlMessage initResp, byte[] psk, byte[] channelBinding) {
        byte[] mnRand = ControlFields.hexToBytes(init.get("mn-rand").orElseThrow());
        byte[] hacRand = ControlFields.hexToBytes(initResp.get("hac-rand").orElseThrow());
        ControlMessage unsigned = ControlMessage.builder(ControlMessageType.DONE, 2)
                .field("mn-rand", init.get("mn-rand").orElseThrow())
                .field("hac-rand", initResp.get("hac-rand").orElseThrow())
                .field("mip6-sas", "0").field("mip6-ciphersuites", "AES_128_CBC_SHA").build();
        return PskAuth.sign(unsigned, new PreSharedKey(psk), PskAuth.Sender.MOBILE_NODE, mnRand, hacRand, channelBinding);
    }

    static ControlMessage init(String id, int identifier) {
        return ControlMessage.builder(ControlMessageType.INIT, identifier).field("mn-id", id)
                .field("mn-rand", ControlFields.bytesToHex(bytes(32, 0x33))).field("auth-method", "psk").build();
    }
}
