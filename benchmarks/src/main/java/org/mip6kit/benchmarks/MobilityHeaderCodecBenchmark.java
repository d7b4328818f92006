package org.mip6kit.benchmarks;

import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.mip6kit.wire.AlternateCareOfAddress;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingRefreshAdvice;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.InternetChecksum;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv4CareOfAddress;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.SequenceNumber;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of the Mobility Header codec (RFC 6275 §6.1) on the two messages a home agent
 * handles most: the home-registration Binding Update it receives and the Binding
 * Acknowledgement it answers with.
 *
 * <p>The Binding Update is the one a dual-stack mobile node sends from a foreign link
 * (flags A|H|K, sequence 1, lifetime 150 units = 600 s) with three options, each with a
 * different alignment rule, so the encoder lays out padding three ways:
 * <pre>
 *  off  0  common header + BU fixed part (12 octets)
 *  off 12  PadN(2)                      -- to reach 8n+6
 *  off 14  Alternate Care-of Address    (type 3, 8n+6) 2001:db8:2::100
 *  off 32  Mobile Node Identifier NAI   (type 8, no alignment) "mn1@example.com"
 *  off 50  PadN(2)                      -- to reach 4n
 *  off 52  IPv4 Care-of Address         (type 32, 4n) 192.0.2.100
 *  off 60  PadN(4)                      -- to reach a multiple of 8
 *  64 octets, Header Len 7
 * </pre>
 * The Binding Acknowledgement accepts it (status 0, K, sequence 1, lifetime 150) and carries
 * a Binding Refresh Advice of 75 units (16 octets, Header Len 1).
 *
 * <p>Checksums use the pseudo-header of RFC 6275 §6.1.1 as the home agent sees it: the home
 * address is the source of the BU (it arrives with a Home Address option) and the
 * destination of the BA (it leaves with a type 2 routing header). The {@code checksum*}
 * benchmarks compute only {@link InternetChecksum#ipv6} over the same octets, so the share
 * of the checksum in each operation can be read off the table.
 *
 * <p>Everything the benchmarks read lives in non-final instance fields of a {@link State}
 * object, so the JIT cannot fold the inputs into constants. Results go to a
 * {@link Blackhole}. Benchmarks are measurements, never assertions: nothing in the test
 * suite depends on these numbers (see {@code docs/performance.md}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class MobilityHeaderCodecBenchmark {

    private MobilityHeaderCodec codec;
    private Ipv6Address homeAddress;
    private Ipv6Address homeAgent;
    private BindingUpdate bindingUpdate;
    private BindingAcknowledgement bindingAck;
    private byte[] bindingUpdateOctets;
    private byte[] bindingAckOctets;

    @Setup
    public void setUp() throws MobilityHeaderFormatException {
        codec = MobilityHeaderCodec.standard();
        homeAddress = Ipv6Address.parse("2001:db8:1::100");
        homeAgent = Ipv6Address.parse("2001:db8:1::1");
        Ipv6Address careOfAddress = Ipv6Address.parse("2001:db8:2::100");

        bindingUpdate = new BindingUpdate(SequenceNumber.of(1),
                EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION,
                        BindingUpdate.Flag.KEY_MANAGEMENT_MOBILITY),
                Lifetime.ofUnits(150),
                List.of(new AlternateCareOfAddress(careOfAddress),
                        MobileNodeIdentifier.nai("mn1@example.com"),
                        new Ipv4CareOfAddress(Ipv4Address.parse("192.0.2.100"))));
        bindingAck = new BindingAcknowledgement(BindingAckStatus.ACCEPTED,
                EnumSet.of(BindingAcknowledgement.Flag.KEY_MANAGEMENT_MOBILITY),
                SequenceNumber.of(1), Lifetime.ofUnits(150),
                List.of(new BindingRefreshAdvice(Lifetime.ofUnits(75))));

        bindingUpdateOctets = codec.encode(bindingUpdate, homeAddress, homeAgent);
        bindingAckOctets = codec.encode(bindingAck, homeAgent, homeAddress);

        // Refuse to measure anything but a correct round trip of the documented sizes.
        requireRoundTrip(bindingUpdate, bindingUpdateOctets, 64, homeAddress, homeAgent);
        requireRoundTrip(bindingAck, bindingAckOctets, 16, homeAgent, homeAddress);
    }

    private void requireRoundTrip(MobilityMessage message, byte[] octets, int expectedLength,
                                  Ipv6Address source, Ipv6Address destination) throws MobilityHeaderFormatException {
        if (octets.length != expectedLength) {
            throw new IllegalStateException(message.type() + " encoded to " + octets.length
                    + " octets, expected " + expectedLength);
        }
        if (InternetChecksum.ipv6(source, destination, MobilityHeaderCodec.IP_PROTOCOL, octets, 0, octets.length) != 0) {
            throw new IllegalStateException(message.type() + " checksum does not verify");
        }
        MobilityMessage decoded = codec.decode(octets, source, destination);
        if (!decoded.equals(message)) {
            throw new IllegalStateException(message.type() + " did not survive the round trip: " + decoded);
        }
    }

    /** Home agent side: the BU arrives, HoA -> HA, checksum verified. */
    @Benchmark
    public void decodeBindingUpdate(Blackhole bh) throws MobilityHeaderFormatException {
        bh.consume(codec.decode(bindingUpdateOctets, homeAddress, homeAgent));
    }

    /** Mobile node side: the BU is built, checksum over HoA -> HA. */
    @Benchmark
    public void encodeBindingUpdate(Blackhole bh) {
        bh.consume(codec.encode(bindingUpdate, homeAddress, homeAgent));
    }

    /** Mobile node side: the BA arrives, HA -> HoA (RH2 final destination), checksum verified. */
    @Benchmark
    public void decodeBindingAck(Blackhole bh) throws MobilityHeaderFormatException {
        bh.consume(codec.decode(bindingAckOctets, homeAgent, homeAddress));
    }

    /** Home agent side: the BA is built, checksum over HA -> HoA. */
    @Benchmark
    public void encodeBindingAck(Blackhole bh) {
        bh.consume(codec.encode(bindingAck, homeAgent, homeAddress));
    }

    /** Baseline: only the pseudo-header checksum over the 64 BU octets. */
    @Benchmark
    public void checksumBindingUpdate(Blackhole bh) {
        bh.consume(InternetChecksum.ipv6(homeAddress, homeAgent, MobilityHeaderCodec.IP_PROTOCOL,
                bindingUpdateOctets, 0, bindingUpdateOctets.length));
    }

    /** Baseline: only the pseudo-header checksum over the 16 BA octets. */
    @Benchmark
    public void checksumBindingAck(Blackhole bh) {
        bh.consume(InternetChecksum.ipv6(homeAgent, homeAddress, MobilityHeaderCodec.IP_PROTOCOL,
                bindingAckOctets, 0, bindingAckOctets.length));
    }
}
