package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.Identity;
import org.mip6kit.transport.InMemoryNetwork;
import org.mip6kit.transport.InMemoryTransport;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.SequenceNumber;

/**
 * A planned drain (RFC 5142) between two real {@link HomeAgentEngine}s and a {@link MobileNodeEngine}
 * over an {@link InMemoryNetwork} on virtual time: the draining home agent sends a Home Agent
 * Switch to each bound node, which registers with the named home agent; new registrations at the
 * draining one get 130; a provider that cannot protect the message makes the drain refuse.
 */
@Tag("small")
class HomeAgentSwitchLoopTest {

    private static final Ipv6Address HA1 = Ipv6Address.parse("2001:db8:1::1");
    private static final Ipv6Address HA2 = Ipv6Address.parse("2001:db8:1::2");
    private static final HomePrefix PREFIX = HomePrefix.parse("2001:db8:1::/64");
    private static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");
    private static final Ipv6Address COA = Ipv6Address.parse("2001:db8:2::5");
    private static final Identity MN = Identity.nai("mn1@example.org");
    private static final EnumSet<Capability> SWITCHING = EnumSet.of(Capability.INTEGRITY,
            Capability.PROTECTS_HOME_AGENT_SWITCH);

    private final VirtualTime time = new VirtualTime();
    private final InMemoryNetwork network = new InMemoryNetwork(time, 7);

    private HomeAgentEngine homeAgent(Ipv6Address address, EnumSet<Capability> capabilities) throws Exception {
        InMemoryTransport t = network.attach(address);
        HomeAgentEngine ha = HomeAgentEngine.builder()
                .provider(new TrustingProvider(MN, address, capabilities),
                        ConfigSection.of("security.trusting", null, Map.of()))
                .settings(HomeAgentSettings.defaults(address, PREFIX))
                .transports(() -> t).clock(time.clock()).scheduler(time).build();
        ha.start();
        return ha;
    }

    private MobileNodeEngine mobileNode(Ipv6Address homeAgent, Ipv6Address hoa, Ipv6Address coa,
                                        List<EngineEvent> events) throws Exception {
        InMemoryTransport t = network.attach(coa);
        return MobileNodeEngine.builder()
                .provider(new TrustingProvider(MN, homeAgent, SWITCHING),
                        ConfigSection.of("security.trusting", null, Map.of()))
                .settings(MobileNodeSettings.defaults().withHomeAgent(homeAgent).withHomeAddress(hoa)
                        .withInitialSequence(SequenceNumber.of(100)))
                .transports(() -> t).clock(time.clock()).scheduler(time).careOfAddress(coa)
                .listener(events::add).build();
    }

    @Test
    void aDrainedNodeRegistersWithTheFirstNamedHomeAgentAndKeepsRefreshingThere() throws Exception {
        HomeAgentEngine ha1 = homeAgent(HA1, SWITCHING);
        HomeAgentEngine ha2 = homeAgent(HA2, SWITCHING);
        List<EngineEvent> events = new CopyOnWriteArrayList<>();
        MobileNodeEngine mn = mobileNode(HA1, HOA, COA, events);
        CompletableFuture<MobileNodeEngine.Registration> started = mn.start().toCompletableFuture();
        time.advance(Duration.ofSeconds(1));
        assertThat(started.join().homeAgent()).isEqualTo(HA1);

        assertThat(ha1.drain(List.of(HA2))).isEqualTo(1);
        assertThat(ha1.draining()).contains(List.of(HA2));
        time.advance(Duration.ofSeconds(2));

        assertThat(events).anySatisfy(e -> assertThat(e.kind()).isEqualTo(EngineEvent.Kind.HOME_AGENT_SWITCHED));
        assertThat(ha2.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(COA);
        assertThat(mn.registration().orElseThrow().homeAgent()).isEqualTo(HA2);

        time.advance(Duration.ofMinutes(30));
        assertThat(ha2.binding(HOA).filter(BindingRecord::isBound)).isPresent();
        assertThat(mn.registration().orElseThrow().homeAgent()).isEqualTo(HA2);
    }

    @Test
    void aDrainingHomeAgentAnswersANewRegistrationWith130() throws Exception {
        HomeAgentEngine ha1 = homeAgent(HA1, SWITCHING);
        assertThat(ha1.drain(List.of(HA2))).isZero();
        List<EngineEvent> events = new CopyOnWriteArrayList<>();
        MobileNodeEngine mn = mobileNode(HA1, HOA, COA, events);
        mn.start();
        time.advance(Duration.ofSeconds(2));
        assertThat(ha1.binding(HOA).filter(BindingRecord::isBound)).isEmpty();
        assertThat(events).anySatisfy(e -> assertThat(e.status()).contains(BindingAckStatus.INSUFFICIENT_RESOURCES));
    }

    @Test
    void aProviderThatCannotProtectTheSwitchMakesTheDrainRefuseAndChangesNothing() throws Exception {
        HomeAgentEngine ha1 = homeAgent(HA1, EnumSet.of(Capability.INTEGRITY));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ha1.drain(List.of(HA2)));
        assertThat(e).hasMessageContaining("PROTECTS_HOME_AGENT_SWITCH").hasMessageContaining("trusting");
        assertThat(ha1.draining()).isEmpty();
    }
}
