package org.mip6kit.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.packet.MobilityPacket;

/**
 * RFC 5555 §4: data packets share the signalling socket. What is data (the Next Header chain
 * does not end in a Mobility Header, or the payload is IPv4) goes to the data receiver; signalling
 * still reaches the engine; without a data receiver data is dropped as malformed.
 */
@Tag("medium")
class UdpTransportDataPacketTest {

    private static final int TIMEOUT_SECONDS = UdpTransportTest.TIMEOUT_SECONDS;
    private final java.util.List<AutoCloseable> toClose = new java.util.ArrayList<>();
    private final BlockingQueue<org.mip6kit.spi.Inbound> atHa = new LinkedBlockingQueue<>();

    @org.junit.jupiter.api.AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private UdpTransport homeAgentOn(java.net.InetAddress bind) {
        UdpTransport t = UdpTransport.open(UdpTransport.Config.ephemeral(bind));
        toClose.add(t);
        t.start(atHa::add);
        return t;
    }

    private DatagramSocket mobileNodeSocket() throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(UdpTransportTest.loopback4(), 0));
        s.setSoTimeout(TIMEOUT_SECONDS * 1000);
        toClose.add(s);
        return s;
    }


    /** An IPv6 echo request from the home address: Next Header 58 (ICMPv6). */
    private static final byte[] ECHO = HexFormat.of().parseHex(
            "6000000000083a40" + "20010db8000100000000000000000100" + "20010db8000500000000000000000005"
                    + "8000000000010001");
    /** A Destination Options header (8 octets of PadN) in front of an upper layer (UDP, 17). */
    private static final byte[] OPTIONS_THEN_UDP = HexFormat.of().parseHex(
            "6000000000103c40" + "20010db8000100000000000000000100" + "20010db8000500000000000000000005"
                    + "1100010400000000" + "0000000000080000");
    /** The same Destination Options header in front of a Mobility Header (135). */
    private static final byte[] OPTIONS_THEN_MH = OPTIONS_THEN_UDP.clone();

    static {
        OPTIONS_THEN_MH[40] = (byte) 135;
    }

    @Test
    void anUpperLayerOtherThanTheMobilityHeaderIsData() {
        assertThat(UdpTransport.isDataPacket(ECHO, ECHO.length)).isTrue();
        assertThat(UdpTransport.isDataPacket(OPTIONS_THEN_UDP, OPTIONS_THEN_UDP.length)).isTrue();
    }

    @Test
    void aMobilityHeaderBehindExtensionHeadersIsSignalling() {
        assertThat(UdpTransport.isDataPacket(OPTIONS_THEN_MH, OPTIONS_THEN_MH.length)).isFalse();
    }

    @Test
    void anIpv4PacketIsData() {
        byte[] v4 = HexFormat.of().parseHex("4500001c0001000040110000c0000264c6336401c000105f00080000");
        assertThat(UdpTransport.isDataPacket(v4, v4.length)).isTrue();
    }

    @Test
    void aChainThatRunsPastThePacketIsNotData() {
        byte[] cut = java.util.Arrays.copyOf(OPTIONS_THEN_UDP, 41);
        assertThat(UdpTransport.isDataPacket(cut, cut.length)).isFalse();
    }

    @Test
    void dataGoesToTheDataReceiverWithTheObservedPeerAndSignallingToTheEngine() throws Exception {
        UdpTransport ha = homeAgentOn(UdpTransportTest.loopback4());
        BlockingQueue<Object[]> data = new LinkedBlockingQueue<>();
        ha.onDataPacket((from, packet) -> data.add(new Object[] {from, packet}));
        DatagramSocket mn = mobileNodeSocket();
        byte[] mh = UdpTransportTest.CODEC.encode(UdpTransportTest.ipv4CareOfBu(1, Ipv4Address.parse("127.0.0.1")),
                UdpTransportTest.HOA, UdpTransportTest.HA);

        UdpTransportTest.sendRaw(mn, ECHO, ha.localAddress());
        UdpTransportTest.sendRaw(mn, MobilityPacket.of(UdpTransportTest.HOA, UdpTransportTest.HA, mh).toBytes(), ha.localAddress());

        Object[] got = data.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(got).isNotNull();
        assertThat(got[0]).isEqualTo(new InetSocketAddress(UdpTransportTest.loopback4(), mn.getLocalPort()));
        assertThat((byte[]) got[1]).isEqualTo(ECHO);
        assertThat(atHa.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS).octets()).isEqualTo(mh);
        assertThat(ha.dataCounters()[0]).isEqualTo(1);
        assertThat(ha.counters().malformed()).isZero();
    }

    @Test
    void sendDataReachesThePeerUnchanged() throws Exception {
        UdpTransport ha = homeAgentOn(UdpTransportTest.loopback4());
        DatagramSocket mn = mobileNodeSocket();

        ha.sendData(new InetSocketAddress(UdpTransportTest.loopback4(), mn.getLocalPort()), ECHO, 0, ECHO.length);

        java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[2000], 2000);
        mn.receive(p);
        assertThat(java.util.Arrays.copyOf(p.getData(), p.getLength())).isEqualTo(ECHO);
        assertThat(ha.dataCounters()[1]).isEqualTo(1);
    }
}
