package org.mip6kit.provider.tls;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.mip6kit.spi.Cancellable;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.ProviderContext;

/**
 * The home agent's RFC 6618 security associations, by SPI and by identity: what the Home Agent
 * Controller hands over ({@link SecurityAssociationSink}) and what the UDP path protects and
 * verifies with. One association per identity: a new bootstrap supersedes the previous one at
 * once. An association is {@linkplain NodeAssociation#expired() expired} from its validity end
 * (its keys kept for {@code grace}, so that a Binding Update under it can still be answered with
 * a protected 176) and removed after the grace. Thread-safe.
 */
final class SaTable implements SecurityAssociationSink {

    private final ProviderContext context;
    private final Duration grace;
    private final Map<Long, NodeAssociation> bySpi = new ConcurrentHashMap<>();
    private final Map<Identity, NodeAssociation> byIdentity = new ConcurrentHashMap<>();
    private final Map<Long, Cancellable> timers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    SaTable(ProviderContext context, Duration grace) {
        this.context = context;
        this.grace = grace;
    }

    @Override
    public void install(NodeAssociation a) {
        if (closed) {
            return;
        }
        NodeAssociation previous;
        synchronized (this) {
            if (bySpi.putIfAbsent(a.spi(), a) != null) {
                throw new IllegalStateException("SPI " + a.spi() + " is in use");
            }
            previous = byIdentity.put(a.identity(), a);
        }
        if (previous != null) {
            remove(previous);
        }
        Duration untilExpiry = Duration.between(context.clock().instant(), a.validityEnd());
        timers.put(a.spi(), context.scheduler().schedule(untilExpiry.isNegative() ? Duration.ZERO : untilExpiry,
                () -> expire(a)));
    }

    /** Whether {@code spi} names no association now (nor recently: the caller checks a candidate SPI). */
    boolean spiFree(long spi) {
        return !bySpi.containsKey(spi);
    }

    Optional<NodeAssociation> bySpi(long spi) {
        return Optional.ofNullable(bySpi.get(spi));
    }

    Optional<NodeAssociation> byIdentity(Identity identity) {
        return Optional.ofNullable(byIdentity.get(identity));
    }

    int size() {
        return bySpi.size();
    }

    private void expire(NodeAssociation a) {
        a.markExpired();
        timers.put(a.spi(), context.scheduler().schedule(grace, () -> remove(a)));
    }

    /** Ends {@code a} now (its binding ended). */
    void retire(NodeAssociation a) {
        remove(a);
    }

    private void remove(NodeAssociation a) {
        a.markExpired();
        synchronized (this) {
            bySpi.remove(a.spi(), a);
            byIdentity.remove(a.identity(), a);
        }
        Cancellable t = timers.remove(a.spi());
        if (t != null) {
            t.cancel();
        }
        a.destroy();
    }

    void close() {
        closed = true;
        for (NodeAssociation a : bySpi.values()) {
            remove(a);
        }
    }

    /** When {@code a} stops being usable for new messages. */
    static Instant usableUntil(NodeAssociation a) {
        return a.validityEnd();
    }
}
