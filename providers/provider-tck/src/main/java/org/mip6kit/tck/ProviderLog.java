package org.mip6kit.tck;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Refusal;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.MobilityMessage;

/**
 * What one participant's provider did, recorded by the kit's wrapper around it (the engine
 * talks to the wrapper, the wrapper to the provider): the capabilities it declared, every
 * message its path was asked to send, every message its path handed to the engine, every
 * verdict, and on a home agent the binding lifecycle calls with the provider's per-node state
 * count around them. Nothing here tells the provider anything. Thread-safe.
 */
public final class ProviderLog {

    /** One {@code send} on the provider's path and how its stage ended (empty while it is pending). */
    public record Sent(MobilityMessage message, Addressing to, Optional<Throwable> failure) {
    }

    /** One {@code verify} on the provider's path and its verdict. */
    public record Judged(Inbound inbound, MobilityMessage message, Verdict verdict) {
    }

    /** A lifecycle call on a home agent's provider. */
    public enum Call { BEFORE_ACK, ABANDONED, AFTER_CHANGE, REFUSED }

    /**
     * One lifecycle call: what it was about and the provider's {@code perNodeStateCount()} just
     * before and just after it (for {@code beforeAck}: before it and once its stage completed).
     */
    public record Lifecycle(Call call, Optional<BindingChange> change, Optional<Refusal> refusal, int stateBefore,
                            int stateAfter) {
    }

    private final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
    private final List<Inbound> delivered = Collections.synchronizedList(new ArrayList<>());
    private final List<Judged> judged = Collections.synchronizedList(new ArrayList<>());
    private final List<Lifecycle> lifecycle = Collections.synchronizedList(new ArrayList<>());
    private volatile Set<Capability> capabilities = Set.of();

    /** The capabilities the provider instance declared (what the engine decides from). */
    public Set<Capability> capabilities() {
        return capabilities;
    }

    public boolean has(Capability c) {
        return capabilities.contains(c);
    }

    /** Every message the provider's path was asked to send, in order. */
    public List<Sent> sent() {
        return copy(sent);
    }

    /** The messages of type {@code type} the provider's path was asked to send. */
    public <T extends MobilityMessage> List<T> sent(Class<T> type) {
        return sent().stream().map(Sent::message).filter(type::isInstance).map(type::cast).toList();
    }

    /** Every message the provider's path handed to the engine, before any verdict. */
    public List<Inbound> delivered() {
        return copy(delivered);
    }

    /** Every verdict, in order. */
    public List<Judged> judged() {
        return copy(judged);
    }

    /** The lifecycle calls of a home agent's provider, in order. */
    public List<Lifecycle> lifecycle() {
        return copy(lifecycle);
    }

    public List<Lifecycle> lifecycle(Call call) {
        return lifecycle().stream().filter(l -> l.call() == call).toList();
    }

    void capabilities(Set<Capability> declared) {
        capabilities = Set.copyOf(declared);
    }

    int recordSend(MobilityMessage m, Addressing to) {
        synchronized (sent) {
            sent.add(new Sent(m, to, Optional.empty()));
            return sent.size() - 1;
        }
    }

    void sendEnded(int index, Throwable failure) {
        synchronized (sent) {
            Sent s = sent.get(index);
            sent.set(index, new Sent(s.message(), s.to(), Optional.ofNullable(failure)));
        }
    }

    void delivered(Inbound in) {
        delivered.add(in);
    }

    void judged(Inbound in, MobilityMessage m, Verdict v) {
        judged.add(new Judged(in, m, v));
    }

    void lifecycle(Lifecycle l) {
        lifecycle.add(l);
    }

    private static <T> List<T> copy(List<T> list) {
        synchronized (list) {
            return List.copyOf(list);
        }
    }
}
