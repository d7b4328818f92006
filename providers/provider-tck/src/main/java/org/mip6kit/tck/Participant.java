package org.mip6kit.tck;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import org.mip6kit.transport.InMemoryProviderNetwork;

/**
 * One participant of a {@link Deployment}: a host on the kit's {@link InMemoryProviderNetwork}
 * (named interfaces, addresses, perhaps a tunnel), the provider running there as the kit sees it
 * through the wrapper around its signalling path ({@link #provider()}), a man in the middle on
 * everything the host sends ({@link #setRule}), and the log of what really left
 * ({@link #sent()}). Thread-safe.
 */
public final class Participant {

    private final String name;
    private final InMemoryProviderNetwork.Host host;
    private final ProviderLog provider = new ProviderLog();
    private final List<Packet> sent = Collections.synchronizedList(new ArrayList<>());
    private volatile PathRule rule = PathRule.PASS;

    Participant(String name, InMemoryProviderNetwork.Host host) {
        this.name = Objects.requireNonNull(name, "name");
        this.host = Objects.requireNonNull(host, "host");
    }

    public String name() {
        return name;
    }

    /** The participant's host on the kit's network (interfaces, addresses, NAT). */
    public InMemoryProviderNetwork.Host host() {
        return host;
    }

    /** What the participant's provider did, as seen through the wrapper around it. */
    public ProviderLog provider() {
        return provider;
    }

    /** Puts a man in the middle on everything this participant sends; {@link PathRule#PASS} removes it. */
    public void setRule(PathRule rule) {
        this.rule = Objects.requireNonNull(rule, "rule");
    }

    PathRule rule() {
        return rule;
    }

    /** Every packet of this participant that went onto the network untouched (after the rule), in order. */
    public List<Packet> sent() {
        synchronized (sent) {
            return List.copyOf(sent);
        }
    }

    /** The packets that left carrying Binding Updates, in order. */
    public List<Packet> bindingUpdatesSent() {
        return sent().stream().filter(Packet::carriesBindingUpdate).toList();
    }

    /** The packets that left carrying Binding Acknowledgements, in order. */
    public List<Packet> acknowledgementsSent() {
        return sent().stream().filter(Packet::carriesBindingAcknowledgement).toList();
    }

    void recordSent(Packet p) {
        sent.add(p);
    }

    @Override
    public String toString() {
        return name;
    }
}
