package org.mip6kit.provider.tls.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HexFormat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** RFC 6347 §4.1 / RFC 9146 §4 record headers as the demultiplexer reads them. */
@Tag("small")
class DtlsRecordHeaderTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void connectionIdIsReadAtOffsetElevenOfATls12CidRecord() {
        //              type ver  epoch seq          cid (4)  len  fragment
        byte[] record = hex("19 fefd 0001 000000000007 a1b2c3d4 0002 eeff");
        assertThat(DtlsRecordHeader.connectionId(record, 4)).contains(ByteBuffer.wrap(hex("a1b2c3d4")));
    }

    @Test
    void recordTooShortForTheCidAndLengthHasNoConnectionId() {
        assertThat(DtlsRecordHeader.connectionId(hex("19 fefd 0001 000000000007 a1b2c3d4 00"), 4)).isEmpty();
    }

    @Test
    void applicationDataRecordHasNoConnectionId() {
        assertThat(DtlsRecordHeader.connectionId(hex("17 fefd 0001 000000000007 a1b2c3d4 0002 eeff"), 4)).isEmpty();
    }

    @Test
    void clientHelloIsAnEpochZeroHandshakeRecordStartingWithMsgTypeOne() {
        assertThat(DtlsRecordHeader.isClientHello(hex("16 feff 0000 000000000000 0001 01"))).isTrue();
        assertThat(DtlsRecordHeader.isClientHello(hex("16 fefd 0001 000000000000 0001 01"))).as("epoch 1").isFalse();
        assertThat(DtlsRecordHeader.isClientHello(hex("16 fefd 0000 000000000000 0001 03"))).as("HelloVerifyRequest").isFalse();
        assertThat(DtlsRecordHeader.isClientHello(hex("16 fefd 0000 000000000000 0001"))).as("no fragment").isFalse();
    }
}
