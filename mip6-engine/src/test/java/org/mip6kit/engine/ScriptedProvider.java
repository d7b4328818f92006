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
import org.mip6kit.spi.HomeAgentHandle;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.Placement;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.Refusal;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.SpiVersion;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingUpdate;
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

    record Sent(MobilityMessage message, Addressing to, Optional<ReplyContext> reply) {
    }

    /** One {@link #abandoned} call. */
    record Abandoned(BindingChange change, String reason) {
    }

    static final ReplyContext REPLY = () -> "scripted";

    private final Set<Capability> capabilities;
    /** What {@link #capabilities()} (the instance's set) answers; the descriptor's set unless a test changes it. */
    Set<Capability> instanceCapabilities;
    Function<MobilityMessage, Verdict> verdicts = m -> Verdict.accept(identityOf(m), REPLY);
    /** When set, {@link #verify} returns this stage instead of a completed one made from {@link #verdicts}. */
    Function<MobilityMessage, CompletionStage<Verdict>> verifyStages;
    Function<BindingChange, CompletionStage<Void>> beforeAck = c -> CompletableFuture.completedFuture(null);
    /** The stage {@link #send} returns for each message (after recording it); completed unless a test changes it. */
    Function<MobilityMessage, CompletionStage<Void>> sendStages = m -> CompletableFuture.completedFuture(null);
    final List<MobilityMessage> verified = new ArrayList<>();
    final List<BindingChange> before = new ArrayList<>();
    final List<BindingChange> after = new ArrayList<>();
    final List<Abandoned> abandoned = new ArrayList<>();
    final List<Refusal> refusals = new ArrayList<>();
    final List<Sent> sent = new ArrayList<>();
    /** Every hook call in order: "verify seq=1", "beforeAck CREATED", "afterChange CREATED", ... */
    final List<String> calls = new ArrayList<>();
    HomeAgentHandle handle;
    int attachCalls;
    private MobilityHeaderCodec codec;
    private Consumer<Inbound> receiver;
    boolean closed;

    ScriptedProvider(Capability... extra) {
        EnumSet<Capability> caps = EnumSet.of(Capability.INTEGRITY);
        caps.addAll(List.of(extra));
        this.capabilities = caps;
        this.instanceCapabilities = caps;
    }

    @Override
    public Set<Capability> capabilities() {
        return instanceCapabilities;
    }

    @Override
    public void attach(HomeAgentHandle engine) {
        attachCalls++;
        calls.add("attach");
        this.handle = engine;
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
        calls.add("path");
        return this;
    }

    @Override
    public CompletionStage<Void> beforeAck(BindingChange change) {
        before.add(change);
        calls.add("beforeAck " + change.kind());
        return beforeAck.apply(change);
    }

    /** Every {@link #restoreBinding} call: {@code "<identity> <home address> <record as text>"}. */
    final List<String> restoredRecords = new ArrayList<>();

    /** The record of a change: its kind and care-of address, as text. */
    @Override
    public byte[] bindingRecord(BindingChange change) {
        return (change.kind() + " " + change.careOf()).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Override
    public void restoreBinding(Identity identity, org.mip6kit.wire.Ipv6Address homeAddress, byte[] record) {
        restoredRecords.add(identity + " " + homeAddress + " "
                + new String(record, java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Override
    public void afterChange(BindingChange change) {
        after.add(change);
        calls.add("afterChange " + change.kind());
    }

    @Override
    public void abandoned(BindingChange change, String reason) {
        abandoned.add(new Abandoned(change, reason));
        calls.add("abandoned " + change.kind());
    }

    @Override
    public void refused(Refusal refusal) {
        refusals.add(refusal);
        calls.add("refused " + refusal.status().code());
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
    public CompletionStage<Verdict> verify(Inbound received, MobilityMessage decoded) {
        verified.add(decoded);
        calls.add("verify" + (decoded instanceof BindingUpdate bu ? " seq=" + bu.sequence().value() : ""));
        if (verifyStages != null) {
            return verifyStages.apply(decoded);
        }
        return CompletableFuture.completedFuture(verifyNow(received, decoded));
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
        calls.add("send " + message.getClass().getSimpleName());
        return sendStages.apply(message);
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
