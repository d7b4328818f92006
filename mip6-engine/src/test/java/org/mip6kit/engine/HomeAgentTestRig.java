package org.mip6kit.engine;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.Identity;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.SequenceNumber;

/**
 * A home agent engine on virtual time with a {@link ScriptedProvider}: what the provider is asked
 * and what it sends are recorded, Binding Updates are delivered as if received. Not a test class.
 */
final class HomeAgentTestRig implements AutoCloseable {

    static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    static final HomePrefix PREFIX = HomePrefix.parse("2001:db8:1::/64");
    static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");
    static final Ipv6Address HOA2 = Ipv6Address.parse("2001:db8:1::200");
    static final Ipv6Address COA = Ipv6Address.parse("2001:db8:2::100");
    static final Ipv6Address COA2 = Ipv6Address.parse("2001:db8:3::100");
    /** The identity {@link ScriptedProvider} names for a Binding Update without an NAI option. */
    static final Identity OWNER = Identity.nai("mn@example.com");
    static final Identity OTHER = Identity.nai("mallory@example.com");

    final VirtualTime time;
    final List<EngineEvent> events = new ArrayList<>();
    /** What the engine's {@link ProcessingTimeListener} was told, in order. */
    final List<java.time.Duration> processingTimes = new java.util.concurrent.CopyOnWriteArrayList<>();
    final ScriptedProvider provider;
    final HomeAgentEngine engine;

    private HomeAgentTestRig(ScriptedProvider provider, HomeAgentSettings settings) throws Exception {
        this(provider, settings, new VirtualTime(), b -> { });
    }

    private HomeAgentTestRig(ScriptedProvider provider, HomeAgentSettings settings, VirtualTime time,
                             java.util.function.Consumer<HomeAgentEngine.Builder> more) throws Exception {
        this.provider = provider;
        this.time = time;
        HomeAgentEngine.Builder builder = HomeAgentEngine.builder();
        more.accept(builder);
        this.engine = builder
                .provider(provider, null)
                .settings(settings)
                .transports(() -> {
                    throw new AssertionError("the scripted provider never opens the engine transport");
                })
                .clock(time.clock())
                .scheduler(time)
                .listener(events::add)
                .processingTime(processingTimes::add)
                .build();
    }

    /** A started home agent with default settings and a provider whose descriptor has INTEGRITY and {@code caps}. */
    static HomeAgentTestRig started(Capability... caps) throws Exception {
        return started(settings(), new ScriptedProvider(caps));
    }

    static HomeAgentTestRig started(HomeAgentSettings settings, ScriptedProvider provider) throws Exception {
        HomeAgentTestRig rig = new HomeAgentTestRig(provider, settings);
        rig.engine.start();
        return rig;
    }

    /** A started home agent whose data plane is {@code forwarding}. */
    static HomeAgentTestRig started(HomeAgentSettings settings, ScriptedProvider provider,
                                    BindingForwarding forwarding) throws Exception {
        HomeAgentTestRig rig = new HomeAgentTestRig(provider, settings, new VirtualTime(), b -> b.forwarding(forwarding));
        rig.engine.start();
        return rig;
    }

    /** A started home agent with default settings whose data plane is {@code forwarding}. */
    static HomeAgentTestRig startedWith(ScriptedProvider provider, BindingForwarding forwarding) throws Exception {
        return started(settings(), provider, forwarding);
    }

    /**
     * A started home agent with default settings on virtual time starting at {@code start}, built
     * with {@code more} (a store, entries to restore).
     */
    static HomeAgentTestRig started(java.time.Instant start, ScriptedProvider provider,
                                    java.util.function.Consumer<HomeAgentEngine.Builder> more) throws Exception {
        HomeAgentTestRig rig = new HomeAgentTestRig(provider, settings(), new VirtualTime(start), more);
        rig.engine.start();
        return rig;
    }

    /** Built (the provider instance's capabilities checked) but not started. */
    static HomeAgentTestRig built(ScriptedProvider provider) throws Exception {
        return new HomeAgentTestRig(provider, settings());
    }

    static HomeAgentSettings settings() {
        return HomeAgentSettings.defaults(HA, PREFIX);
    }

    /** A home registration (A and H set) with {@code extraFlags} and options. */
    static BindingUpdate bu(int seq, int lifetimeUnits, Set<BindingUpdate.Flag> extraFlags, MobilityOption... options) {
        EnumSet<BindingUpdate.Flag> flags = EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION);
        flags.addAll(extraFlags);
        return new BindingUpdate(SequenceNumber.of(seq), flags, Lifetime.ofUnits(lifetimeUnits), List.of(options));
    }

    static BindingUpdate bu(int seq, int lifetimeUnits, MobilityOption... options) {
        return bu(seq, lifetimeUnits, Set.of(), options);
    }

    static MobilityOption from(Identity nai) {
        return MobileNodeIdentifier.nai(nai.value());
    }

    static Addressing fromCareOf(Ipv6Address coa, Ipv6Address hoa) {
        return new Addressing(coa, HA, Optional.of(hoa), Optional.empty(), Optional.empty());
    }

    /** Delivers {@code bu} for {@code hoa} from {@code coa}, then runs what is due now. */
    void deliver(BindingUpdate bu, Ipv6Address coa, Ipv6Address hoa) {
        provider.deliver(bu, fromCareOf(coa, hoa));
        time.runDue();
    }

    /** A registration of {@link #HOA} from {@code coa} with 600 s lifetime. */
    void register(int seq, Ipv6Address coa) {
        deliver(bu(seq, 150), coa, HOA);
    }

    /** A deregistration of {@link #HOA} (lifetime 0) from {@code coa}. */
    void deregister(int seq, Ipv6Address coa) {
        deliver(bu(seq, 0), coa, HOA);
    }

    List<BindingAcknowledgement> acks() {
        return provider.sent.stream().map(ScriptedProvider.Sent::message)
                .filter(BindingAcknowledgement.class::isInstance).map(BindingAcknowledgement.class::cast).toList();
    }

    BindingAcknowledgement lastAck() {
        List<BindingAcknowledgement> acks = acks();
        if (acks.isEmpty()) {
            throw new AssertionError("no Binding Acknowledgement was sent");
        }
        return acks.get(acks.size() - 1);
    }

    List<EngineEvent.Kind> eventKinds() {
        return events.stream().map(EngineEvent::kind).toList();
    }

    @Override
    public void close() {
        engine.closeAsync();
        time.runDue();
    }
}
