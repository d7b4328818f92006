package org.mip6kit.provider.tls.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The auth value recomputed with plain javax.crypto over the octets PskAuth documents. */
@Tag("small")
class PskAuthTest {

    private static final byte[] MN_RAND = Fixtures.bytes(32, 0x01);
    private static final byte[] HAC_RAND = Fixtures.bytes(32, 0x02);

    static int authLineStart(byte[] wire) {
        byte[] marker = "\r\nauth: ".getBytes(StandardCharsets.US_ASCII);
        for (int i = wire.length - marker.length; i >= 0; i--) {
            boolean match = true;
            for (int j = 0; j < marker.length && match; j++) {
                match = wire[i + j] == marker[j];
            }
            if (match) {
                return i + 2;
            }
        }
        throw new AssertionError("no auth line");
    }

    private static ControlMessage signedInitResp() {
        ControlMessage unsigned = ControlMessage.builder(ControlMessageType.INIT_RESP, 1).field("status-code", "100")
                .field("mn-id", "mn1@example.net").field("mn-rand", HexFormat.of().formatHex(MN_RAND))
                .field("hac-rand", HexFormat.of().formatHex(HAC_RAND)).build();
        return PskAuth.sign(unsigned, new PreSharedKey(Fixtures.PSK), PskAuth.Sender.CONTROLLER, MN_RAND, HAC_RAND,
                Fixtures.CB);
    }

    @Test
    void authIsHmacSha256OverLabelRandsMessageBeforeAuthLineAndChannelBinding() throws Exception {
        byte[] wire = ControlCodec.encode(signedInitResp());
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        input.writeBytes("HAC".getBytes(StandardCharsets.US_ASCII));
        input.writeBytes(MN_RAND);
        input.writeBytes(HAC_RAND);
        input.write(wire, 0, authLineStart(wire));
        input.writeBytes(Fixtures.CB);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Fixtures.PSK, "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal(input.toByteArray()));
        String sent = new String(wire, authLineStart(wire) + 6, 64, StandardCharsets.US_ASCII);
        assertThat(sent).isEqualTo(expected);
    }

    @Test
    void authIsTheLastLineBeforeTheEmptyLine() {
        byte[] wire = ControlCodec.encode(signedInitResp());
        assertThat(wire.length - authLineStart(wire)).isEqualTo("auth: ".length() + 64 + 4);
    }

    @Test
    void labelKeepsAControllerMessageFromPassingAsTheNodes() {
        ControlMessage m = signedInitResp();
        PreSharedKey k = new PreSharedKey(Fixtures.PSK);
        assertThat(PskAuth.verify(m, k, PskAuth.Sender.CONTROLLER, MN_RAND, HAC_RAND, Fixtures.CB)).isTrue();
        assertThat(PskAuth.verify(m, k, PskAuth.Sender.MOBILE_NODE, MN_RAND, HAC_RAND, Fixtures.CB)).isFalse();
    }

    @Test
    void anotherExchangesRandsDoNotVerify() {
        assertThat(PskAuth.verify(signedInitResp(), new PreSharedKey(Fixtures.PSK), PskAuth.Sender.CONTROLLER,
                Fixtures.bytes(32, 9), HAC_RAND, Fixtures.CB)).isFalse();
    }

    @Test
    void theIdentifierIsCovered() {
        ControlMessage m = signedInitResp();
        ControlMessage other = new ControlMessage(m.version(), 2, m.type(), m.fields());
        assertThat(PskAuth.verify(other, new PreSharedKey(Fixtures.PSK), PskAuth.Sender.CONTROLLER, MN_RAND, HAC_RAND,
                Fixtures.CB)).isFalse();
    }

    @Test
    void anAuthThatIsNotLastDoesNotVerify() {
        ControlMessage m = signedInitResp().with("x-extra", "1");
        assertThat(PskAuth.verify(m, new PreSharedKey(Fixtures.PSK), PskAuth.Sender.CONTROLLER, MN_RAND, HAC_RAND,
                Fixtures.CB)).isFalse();
    }

    @Test
    void channelBindingHashFollowsRfc5929() {
        assertThat(ChannelBinding.hashOf("SHA1withRSA")).isEqualTo("SHA-256");
        assertThat(ChannelBinding.hashOf("MD5withRSA")).isEqualTo("SHA-256");
        assertThat(ChannelBinding.hashOf("SHA256withECDSA")).isEqualTo("SHA-256");
        assertThat(ChannelBinding.hashOf("SHA384withECDSA")).isEqualTo("SHA-384");
        assertThat(ChannelBinding.hashOf("SHA512withRSA")).isEqualTo("SHA-512");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ChannelBinding.hashOf("Ed25519"));
    }
}
