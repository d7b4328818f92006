package org.mip6kit.tck;

import java.util.List;
import java.util.function.Predicate;

/**
 * What a man in the middle does to one packet a sender hands to its transport: pass it, drop
 * it, hold it back, change it, or add forged packets of its own before or after it. Installed
 * on an {@link InterceptedTransport} with {@link InterceptedTransport#setRule}. Called on the
 * sender's thread (under virtual time, the thread that advances the clock); must not block.
 */
@FunctionalInterface
public interface PathRule {

    /** The packets that actually go onto the network, in order (empty: the packet is lost). */
    List<Packet> apply(Packet packet);

    /** Passes every packet unchanged. */
    PathRule PASS = List::of;

    /** Drops every packet. */
    PathRule DROP_ALL = p -> List.of();

    /** Drops the packets {@code test} selects and passes the rest. */
    static PathRule dropIf(Predicate<Packet> test) {
        return p -> test.test(p) ? List.of() : List.of(p);
    }
}
