package org.mip6kit.tck;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

import org.mip6kit.spi.Addressing;
import org.mip6kit.wire.Ipv6Address;

/**
 * Remembers who sent each packet in flight, so the receiving side can tell a
 * {@link org.mip6kit.spi.Placement#BELOW_STACK} provider's test who really sent it: the network
 * carries only octets and addressing, and the kit's attacker spoofs both. Keyed by content, so
 * a replay (identical octets) gets the attacker's entry, queued behind the original's.
 */
final class OriginLedger {

    private record Key(ByteBuffer octets, Ipv6Address source, Ipv6Address destination) {
    }

    private final Map<Key, ArrayDeque<PacketOrigin>> inFlight = new HashMap<>();

    synchronized void sent(byte[] octets, Addressing to, PacketOrigin origin) {
        inFlight.computeIfAbsent(key(octets, to), k -> new ArrayDeque<>()).add(origin);
    }

    synchronized PacketOrigin received(byte[] octets, Addressing as) {
        Key k = key(octets, as);
        ArrayDeque<PacketOrigin> q = inFlight.get(k);
        if (q == null) {
            return PacketOrigin.UNKNOWN;
        }
        PacketOrigin o = q.poll();
        if (q.isEmpty()) {
            inFlight.remove(k);
        }
        return o;
    }

    private static Key key(byte[] octets, Addressing a) {
        return new Key(ByteBuffer.wrap(octets.clone()), a.source(), a.destination());
    }
}
