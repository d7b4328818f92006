package org.mip6kit.wire.pcap;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One packet read from a pcap file: its capture time and its octets, starting at the IP header
 * (the link-layer header, if the file had one, is already removed). The array is copied in and
 * out, so the record is immutable; equality compares the octets.
 *
 * @param timestamp when the packet was captured
 * @param packet    the packet, from its IP header on
 */
public record PcapRecord(Instant timestamp, byte[] packet) {

    /**
     * @throws NullPointerException if an argument is null
     */
    public PcapRecord {
        Objects.requireNonNull(timestamp, "timestamp");
        packet = Objects.requireNonNull(packet, "packet").clone();
    }

    /** A copy of the packet's octets. */
    @Override
    public byte[] packet() {
        return packet.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PcapRecord r && timestamp.equals(r.timestamp) && Arrays.equals(packet, r.packet);
    }

    @Override
    public int hashCode() {
        return timestamp.hashCode() * 31 + Arrays.hashCode(packet);
    }

    @Override
    public String toString() {
        return "PcapRecord[timestamp=" + timestamp + ", packet=" + packet.length + " octets]";
    }
}
