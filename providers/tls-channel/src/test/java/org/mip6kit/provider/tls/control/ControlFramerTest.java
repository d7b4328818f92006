package org.mip6kit.provider.tls.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("small")
class ControlFramerTest {

    private static byte[] message(int id, String value) {
        return ControlCodec.encode(ControlMessage.builder(ControlMessageType.INIT, id).field("mn-id", value).build());
    }

    @Test
    void reassemblesMessagesAcrossEverySplitPoint() throws Exception {
        byte[] a = message(1, "first");
        byte[] b = message(2, "second-node");
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.writeBytes(a);
        s.writeBytes(b);
        byte[] stream = s.toByteArray();
        for (int cut1 = 0; cut1 <= stream.length; cut1++) {
            for (int cut2 = cut1; cut2 <= stream.length; cut2 += 7) {
                ControlFramer f = new ControlFramer();
                List<byte[]> out = new ArrayList<>();
                out.addAll(f.offer(stream, 0, cut1));
                out.addAll(f.offer(stream, cut1, cut2 - cut1));
                out.addAll(f.offer(stream, cut2, stream.length - cut2));
                assertThat(out).as("cuts %d/%d", cut1, cut2).containsExactly(a, b);
                assertThat(f.pending()).isZero();
            }
        }
    }

    @Test
    void reassemblesOneOctetAtATime() throws Exception {
        byte[] a = message(1, "x");
        ControlFramer f = new ControlFramer();
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < a.length; i++) {
            out.addAll(f.offer(a, i, 1));
            assertThat(out).hasSize(i == a.length - 1 ? 1 : 0);
        }
        assertThat(ControlCodec.decode(out.get(0)).get("mn-id")).hasValue("x");
    }

    @Test
    void reassemblesRandomChunks() throws Exception {
        Random r = new Random(6618);
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        List<byte[]> sent = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            byte[] m = message(i, "n" + "x".repeat(r.nextInt(250)));
            sent.add(m);
            s.writeBytes(m);
        }
        byte[] stream = s.toByteArray();
        ControlFramer f = new ControlFramer();
        List<byte[]> got = new ArrayList<>();
        for (int pos = 0; pos < stream.length;) {
            int n = Math.min(stream.length - pos, 1 + r.nextInt(100));
            got.addAll(f.offer(stream, pos, n));
            pos += n;
        }
        assertThat(got).containsExactlyElementsOf(sent);
        assertThat(f.consumed()).isEqualTo(stream.length);
    }

    @Test
    void refusesAnOversizeLengthAsSoonAsTheHeaderIsIn() throws Exception {
        ControlFramer f = new ControlFramer();
        assertThat(f.offer(new byte[] {0, 1, 0x7f})).isEmpty();
        ControlFormatException e = assertThrows(ControlFormatException.class, () -> f.offer(new byte[] {(byte) 0xff}));
        assertThat(e.field()).isEqualTo("Length");
        assertThrows(IllegalStateException.class, () -> f.offer(new byte[] {0}));
    }

    @Test
    void refusesABadVersionInTheStream() {
        ControlFramer f = new ControlFramer();
        assertThat(assertThrows(ControlFormatException.class, () -> f.offer(new byte[] {(byte) 0xe0, 1, 0, 40})).field())
                .isEqualTo("Ver");
    }
}
