package org.mip6kit.tck;

import java.util.List;
import java.util.function.Predicate;

/**
 * What a man in the middle does to one packet a participant sends: pass it, drop it, hold it
 * back, change it, or add forged packets of its own before or after it. Installed with
 * {@link Participant#setRule}. A returned packet that is the same on the wire as the one given
 * ({@link Packet#sameOnTheWire}) goes on untouched along the sender's own route (through its
 * tunnel, if it entered one); any other returned packet is the attacker's and is sent from the
 * attacker's host, outside every tunnel. Called on the thread that advances virtual time; must
 * not block.
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
