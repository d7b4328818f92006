package org.mip6kit.tck;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.mip6kit.engine.EngineEvent;
import org.mip6kit.engine.MobileNodeEngine;
import org.mip6kit.engine.MobileNodeEngine.Registration;
import org.mip6kit.wire.Ipv6Address;

/**
 * A mobile node of the kit: a {@link MobileNodeEngine} with the provider under test, its
 * {@link Participant} on the kit's network (a host whose outside interface gains the new care-of
 * address before each move, and the home address before returning home, as a real interface
 * would) and the events it emitted.
 */
public final class KitMobileNode {

    private final int index;
    private final MobileNodeEngine engine;
    private final Participant participant;
    private final Ipv6Address configuredHomeAddress;
    private final List<EngineEvent> events;

    KitMobileNode(int index, MobileNodeEngine engine, Participant participant, Ipv6Address configuredHomeAddress,
                  List<EngineEvent> events) {
        this.index = index;
        this.engine = engine;
        this.participant = participant;
        this.configuredHomeAddress = configuredHomeAddress;
        this.events = events;
    }

    public int index() {
        return index;
    }

    public MobileNodeEngine engine() {
        return engine;
    }

    /** The node's host, provider log and man in the middle. */
    public Participant participant() {
        return participant;
    }

    /** What the node's provider did, as the kit's wrapper saw it. */
    public ProviderLog provider() {
        return participant.provider();
    }

    /** Puts a man in the middle on everything the node sends. */
    public void setRule(PathRule rule) {
        participant.setRule(rule);
    }

    public CompletionStage<Registration> start() {
        return engine.start();
    }

    /** Attaches {@code careOf} to the node's interface, then moves; the old address goes once the move is acknowledged. */
    public CompletionStage<Registration> moveTo(Ipv6Address careOf) {
        Ipv6Address previous = engine.careOfAddress();
        participant.host().iface(Deployment.OUTSIDE_INTERFACE, careOf.toString());
        return engine.moveTo(careOf).whenComplete((r, e) -> {
            if (e == null && !previous.equals(careOf)) {
                participant.host().removeAddress(previous.toString());
            }
        });
    }

    /** Attaches the home address to the node's interface, then deregisters from home. */
    public CompletionStage<Void> returnHome() {
        // The home address may sit on the node's tunnel interface already (a virtual IP key management
        // installed there); at home it lives on the outside interface.
        participant.host().removeAddress(homeAddress().toString());
        participant.host().iface(Deployment.OUTSIDE_INTERFACE, homeAddress().toString());
        return engine.returnHome();
    }

    /** A clean shutdown: deregistration first. */
    public CompletionStage<Void> shutdown() {
        return engine.shutdown();
    }

    public Optional<Registration> registration() {
        return engine.registration();
    }

    /** The registered home address, or the one the kit configured before the first registration. */
    public Ipv6Address homeAddress() {
        return engine.registration().map(Registration::homeAddress).orElse(configuredHomeAddress);
    }

    public Ipv6Address careOfAddress() {
        return engine.careOfAddress();
    }

    /** The events the node's engine emitted so far. */
    public List<EngineEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    public long eventCount(EngineEvent.Kind kind) {
        return events().stream().filter(e -> e.kind() == kind).count();
    }

    static List<EngineEvent> newEventLog() {
        return Collections.synchronizedList(new ArrayList<>());
    }

    @Override
    public String toString() {
        return "mobile node " + index + " at " + careOfAddress();
    }
}
