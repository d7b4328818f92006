package org.mip6kit.engine;

import java.util.Arrays;
import java.util.Objects;

import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.HomeAgentSecurity;

/**
 * What a {@link BindingStore} keeps for one home address: the binding cache entry after an
 * accepted change, everything needed to rebuild it after a restart, and the provider's own
 * record ({@link HomeAgentSecurity#bindingRecord}).
 *
 * <p>{@code binding} is the entry as the engine holds it: a live binding
 * ({@link BindingRecord.State#BOUND}, {@code expiresAt} its absolute expiry on the engine's
 * clock) or the replay hold after a deregistration, expiry or revocation
 * ({@link BindingRecord.State#REPLAY_HOLD}, {@code expiresAt} when the replay state is
 * forgotten). Its sequence number is the newest accepted one (RFC 6275 §9.5.1, §10.3.1), so a
 * restored entry refuses a superseded Binding Update exactly as before the restart. The expiry
 * is fixed when the change is handed to the store, at most the store's sync delay before the
 * cache's own: a restored binding never outlives the lifetime granted.
 *
 * @param change the change that produced the entry
 * @param binding the entry after the change
 * @param providerRecord the provider's record, empty for none; at most
 *        {@link HomeAgentSecurity#MAX_BINDING_RECORD_OCTETS} octets (copied in and out)
 */
public record StoredBinding(BindingChange.Kind change, BindingRecord binding, byte[] providerRecord) {

    public StoredBinding {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(providerRecord, "providerRecord");
        if (providerRecord.length > HomeAgentSecurity.MAX_BINDING_RECORD_OCTETS) {
            throw new IllegalArgumentException("a provider record holds at most "
                    + HomeAgentSecurity.MAX_BINDING_RECORD_OCTETS + " octets, got " + providerRecord.length);
        }
        if (change.keepsBinding() != binding.isBound()) {
            throw new IllegalArgumentException(change + " cannot leave a " + binding.state() + " entry");
        }
        providerRecord = providerRecord.clone();
    }

    @Override
    public byte[] providerRecord() {
        return providerRecord.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredBinding s && change == s.change && binding.equals(s.binding)
                && Arrays.equals(providerRecord, s.providerRecord);
    }

    @Override
    public int hashCode() {
        return Objects.hash(change, binding, Arrays.hashCode(providerRecord));
    }

    /** The change and the entry; the provider's record only by its length (it is the provider's business). */
    @Override
    public String toString() {
        return "StoredBinding[" + change + ", " + binding + ", providerRecord=" + providerRecord.length + " octets]";
    }
}
