package org.mip6kit.engine;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.Placement;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.SpiVersion;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityMessage;

/**
 * A home-agent provider for engine tests whose verdicts and hooks the test scripts. It does
 * no cryptography: the engine's protocol rules are under test here, not security (that is the
 * TCK's job). Identity: the BU's NAI option, else {@code mn@example.com}.
 */
final class ScriptedProvider implements SecurityProviderFactory, HomeAgentSecurity, SignallingPath {
    @Override
    public java.util.Set<org.mip6kit.spi.Capability> capabilities() {
        return descriptor().capabilities();
    }


    record Sent(MobilityMessage message, Addressing to, Optional<ReplyContext> reply) {
    }

    static final ReplyContext REPLY = () -> "scripted";

    private final Set<Capability> capabilities;
    Function<MobilityMessage, Verdict> verdicts = m -> Verdict.accept(identityOf(m), REPLY);
    Function<BindingChange, CompletionStage<Void>> beforeAck = c -> CompletableFuture.completedFuture(null);
    final List<BindingChange> before = new ArrayList<>();
    final List<BindingChange> after = new ArrayList<>();
    final List<Sent> sent = new ArrayList<>();
    private MobilityHeaderCodec codec;
    private Consumer<Inbound> receiver;
    boolean closed;

    ScriptedProvider(Capability... extra) {
        EnumSet<Capability> caps = EnumSet.of(Capability.INTEGRITY);
        caps.addAll(List.of(extra));
        this.capabilities = caps;
    }

    static Identity identityOf(MobilityMessage m) {
        return m.option(MobileNodeIdentifier.class).map(o -> Identity.nai(o.nai())).orElse(Identity.nai("mn@example.com"));
    }

    @Override
    public ProviderDescriptor descriptor() {
        return new ProviderDescriptor("scripted", "test", SpiVersion.MAJOR, Placement.IN_MESSAGE, capabilities);
    }

    @Override
    public MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config) {
        throw new UnsupportedOperationException("home agent only");
    }

    @Override
    public HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) {
        this.codec = context.codec();
        return this;
    }

    @Override
    public SignallingPath path(TransportFactory engineTransports) {
        return this;
    }

    @Override
    public CompletionStage<Void> beforeAck(BindingChange change) {
        before.add(change);
        return beforeAck.apply(change);
    }

    @Override
    public void afterChange(BindingChange change) {
        after.add(change);
    }

    @Override
    public int perNodeStateCount() {
        return 0;
    }

    @Override
    public void start(Consumer<Inbound> receiver) {
        this.receiver = receiver;
    }

    @Override
    public java.util.concurrent.CompletionStage<Verdict> verify(Inbound received, MobilityMessage decoded) {
        return java.util.concurrent.CompletableFuture.completedFuture(verifyNow(received, decoded));
    }

    public Verdict verifyNow(Inbound received, MobilityMessage decoded) {
        return verdicts.apply(decoded);
    }

    @Override
    public CompletionStage<Void> send(MobilityMessage message, Addressing to, Optional<ReplyContext> reply) {
        byte[] octets = codec.encode(message, to.pseudoHeaderSource(), to.pseudoHeaderDestination());
        try {
            // What went out must decode: the engine never builds a malformed message.
            sent.add(new Sent(codec.decode(octets, to.pseudoHeaderSource(), to.pseudoHeaderDestination()), to, reply));
        } catch (MobilityHeaderFormatException e) {
            throw new AssertionError(e);
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Delivers a message as if it had arrived with this addressing. */
    void deliver(MobilityMessage m, Addressing addressing) {
        byte[] octets = codec.encode(m, addressing.pseudoHeaderSource(), addressing.pseudoHeaderDestination());
        receiver.accept(new Inbound(octets, addressing, Observed.NOTHING));
    }

    void deliverRaw(byte[] octets, Addressing addressing) {
        receiver.accept(new Inbound(octets, addressing, Observed.NOTHING));
    }

    @Override
    public void close() {
        closed = true;
    }
}
