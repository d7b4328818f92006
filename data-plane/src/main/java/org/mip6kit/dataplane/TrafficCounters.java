package org.mip6kit.dataplane;

/**
 * What one binding's tunnel carried, as a snapshot: packets and octets (of the inner IPv6
 * packets) sent towards the mobile node and received from it. Values never decrease while the
 * binding lasts.
 *
 * @param packetsToNode packets encapsulated to the care-of address
 * @param bytesToNode their octets
 * @param packetsFromNode reverse-tunnelled packets accepted and forwarded
 * @param bytesFromNode their octets
 */
public record TrafficCounters(long packetsToNode, long bytesToNode, long packetsFromNode, long bytesFromNode) {

    /** Nothing carried. */
    public static final TrafficCounters ZERO = new TrafficCounters(0, 0, 0, 0);

    public TrafficCounters {
        if (packetsToNode < 0 || bytesToNode < 0 || packetsFromNode < 0 || bytesFromNode < 0) {
            throw new IllegalArgumentException("traffic counters are never negative");
        }
    }
}
