package org.mip6kit.engine;

import java.time.Clock;
import java.time.Duration;

import org.mip6kit.spi.HomeAgentSecurity;

/**
 * Puts stored entries back into a new engine's binding cache, before its first Binding Update
 * (see {@link HomeAgentEngine.Builder#restore}). A binding keeps the absolute expiry it was
 * stored with, so its remaining lifetime is what was left on the clock; a binding that ran out
 * meanwhile becomes the replay hold it would have become had the home agent been running
 * ({@code replay-hold} after its expiry), or nothing once that has lapsed too. The cache entry
 * carries the owner and the newest accepted sequence number, which is all the engine keeps per
 * home address for refusing superseded Binding Updates (RFC 6275 §9.5.1); the provider takes
 * back its own records through {@link HomeAgentSecurity#restoreBinding}.
 */
final class BindingRestore {

    private BindingRestore() {
    }

    static RestoredBindings apply(Iterable<StoredBinding> stored, BindingCache cache, HomeAddressRegistry registry,
                                  HomeAgentSecurity security, Clock clock, Duration replayHold) {
        long now = clock.millis();
        int bindings = 0;
        int holds = 0;
        int expired = 0;
        int dropped = 0;
        for (StoredBinding s : stored) {
            BindingRecord r = s.binding();
            long expiry = r.expiresAt().toEpochMilli();
            long holdUntil;
            if (r.isBound() && expiry > now) {
                holdUntil = -1;
            } else if (r.isBound()) {
                expired++;
                holdUntil = expiry + replayHold.toMillis();
            } else {
                holdUntil = expiry;
            }
            byte[] providerRecord = s.providerRecord();
            if (providerRecord.length > 0) {
                try {
                    security.restoreBinding(r.identity(), r.homeAddress(), providerRecord);
                } catch (RuntimeException e) {
                    // The contract says it never throws; if it does, its replay state is lost, not the binding.
                }
            }
            if (holdUntil >= 0 && holdUntil <= now) {
                dropped++;
                continue;
            }
            if (!cache.put(r)) {
                dropped++;
                continue;
            }
            if (holdUntil < 0) {
                registry.bound(r.homeAddress());
                bindings++;
            } else {
                cache.hold(r.homeAddress(), holdUntil);
                holds++;
            }
        }
        return new RestoredBindings(bindings, holds, expired, dropped);
    }
}
