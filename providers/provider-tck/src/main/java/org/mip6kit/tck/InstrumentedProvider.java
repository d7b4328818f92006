package org.mip6kit.tck;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.BootstrapResult;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.DemoConfiguration;
import org.mip6kit.spi.HomeAgentHandle;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.MobileNodeHandle;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.Refusal;
import org.mip6kit.spi.RegistrationChange;
import org.mip6kit.spi.RejectAction;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOptionCodec;

/**
 * The provider under test as the engine sees it in the kit: a factory that wraps each
 * {@link MobileNodeSecurity} and {@link HomeAgentSecurity} it creates, and each
 * {@link SignallingPath}, so that the kit can watch without telling the provider anything. The
 * wrappers pass every call through unchanged and record it in the participant's
 * {@link ProviderLog}; a path's {@code send} also tells the kit's {@link Interception} which
 * packets carry the message. One thing the kit may do on its own: fail a home agent's
 * {@code beforeAck} stage once the provider's own stage has completed
 * ({@link Deployment#failBeforeAck}), to see the provider roll back in {@code abandoned}.
 */
final class InstrumentedProvider implements SecurityProviderFactory {

    private final SecurityProviderFactory delegate;
    private final Participant participant;
    private final Interception interception;
    private final Predicate<BindingChange> failBeforeAck;

    InstrumentedProvider(SecurityProviderFactory delegate, Participant participant, Interception interception,
                         Predicate<BindingChange> failBeforeAck) {
        this.delegate = delegate;
        this.participant = participant;
        this.interception = interception;
        this.failBeforeAck = failBeforeAck;
    }

    @Override
    public ProviderDescriptor descriptor() {
        return delegate.descriptor();
    }

    @Override
    public List<MobilityOptionCodec<?>> optionCodecs() {
        return delegate.optionCodecs();
    }

    @Override
    public DemoConfiguration demoConfiguration(Path privateDirectory) throws ProviderConfigException {
        return delegate.demoConfiguration(privateDirectory);
    }

    @Override
    public MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        return new MobileNode(delegate.mobileNode(context, config));
    }

    @Override
    public HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        return new HomeAgent(delegate.homeAgent(context, config));
    }

    /** {@code path} wrapped for this participant. */
    SignallingPath instrument(SignallingPath path) {
        return new InstrumentedPath(path);
    }

    /** {@code security} wrapped for this participant (a node the kit drives without the engine). */
    MobileNodeSecurity instrument(MobileNodeSecurity security) {
        return new MobileNode(security);
    }

    private ProviderLog log() {
        return participant.provider();
    }

    private final class InstrumentedPath implements SignallingPath {
        private final SignallingPath inner;

        InstrumentedPath(SignallingPath inner) {
            this.inner = inner;
        }

        @Override
        public void start(Consumer<Inbound> receiver) {
            inner.start(in -> {
                log().delivered(in);
                receiver.accept(in);
            });
        }

        @Override
        public CompletionStage<Verdict> verify(Inbound received, MobilityMessage decoded) {
            CompletionStage<Verdict> stage = inner.verify(received, decoded);
            if (stage != null) {
                stage.whenComplete((v, e) -> log().judged(received, decoded,
                        v != null ? v : Verdict.drop("the stage failed: " + e)));
            }
            return stage;
        }

        @Override
        public CompletionStage<Void> send(MobilityMessage message, Addressing to, Optional<ReplyContext> reply) {
            Interception.Mark mark = interception.beginSend(participant, message);
            int index = log().recordSend(message, to);
            CompletionStage<Void> stage;
            try {
                stage = inner.send(message, to, reply);
            } catch (RuntimeException e) {
                interception.endSend(mark, e);
                log().sendEnded(index, e);
                throw e;
            }
            if (stage == null) {
                interception.endSend(mark, new IllegalStateException("no stage"));
                return null;
            }
            stage.whenComplete((v, e) -> {
                interception.endSend(mark, e);
                log().sendEnded(index, e);
            });
            return stage;
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    private final class MobileNode implements MobileNodeSecurity {
        private final MobileNodeSecurity inner;

        MobileNode(MobileNodeSecurity inner) {
            this.inner = inner;
        }

        @Override
        public Set<Capability> capabilities() {
            Set<Capability> c = inner.capabilities();
            log().capabilities(c);
            return c;
        }

        @Override
        public void attach(MobileNodeHandle engine) {
            inner.attach(engine);
        }

        @Override
        public CompletionStage<BootstrapResult> bootstrap(BootstrapRequest want) {
            return inner.bootstrap(want);
        }

        @Override
        public SignallingPath path(TransportFactory engineTransports) {
            return new InstrumentedPath(inner.path(engineTransports));
        }

        @Override
        public CompletionStage<Void> careOfChanging(Ipv6Address from, Ipv6Address to) {
            return inner.careOfChanging(from, to);
        }

        @Override
        public RejectAction onRejected(BindingAckStatus status, Inbound verifiedAcknowledgement) {
            return inner.onRejected(status, verifiedAcknowledgement);
        }

        @Override
        public void registrationChanged(RegistrationChange change) {
            inner.registrationChanged(change);
        }

        @Override
        public void close() {
            inner.close();
        }

        @Override
        public int perNodeStateCount() {
            return inner.perNodeStateCount();
        }
    }

    private final class HomeAgent implements HomeAgentSecurity {
        private final HomeAgentSecurity inner;

        HomeAgent(HomeAgentSecurity inner) {
            this.inner = inner;
        }

        @Override
        public Set<Capability> capabilities() {
            Set<Capability> c = inner.capabilities();
            log().capabilities(c);
            return c;
        }

        @Override
        public void attach(HomeAgentHandle engine) {
            inner.attach(engine);
        }

        @Override
        public SignallingPath path(TransportFactory engineTransports) {
            return new InstrumentedPath(inner.path(engineTransports));
        }

        @Override
        public CompletionStage<Void> beforeAck(BindingChange change) {
            int before = inner.perNodeStateCount();
            CompletionStage<Void> own = inner.beforeAck(change);
            if (own == null) {
                own = CompletableFuture.failedFuture(new SecurityProviderException("beforeAck returned no stage"));
            }
            own.whenComplete((v, e) -> log().lifecycle(new ProviderLog.Lifecycle(ProviderLog.Call.BEFORE_ACK,
                    Optional.of(change), Optional.empty(), before, inner.perNodeStateCount())));
            if (!failBeforeAck.test(change)) {
                return own;
            }
            // The provider prepared for real; the kit then fails the stage, as a commit that fails would.
            return own.handle((v, e) -> (Void) null).thenCompose(v -> CompletableFuture.failedFuture(
                    new SecurityProviderException("the provider compatibility kit failed this " + change.kind()
                            + " on purpose after the provider prepared it")));
        }

        @Override
        public void abandoned(BindingChange change, String reason) {
            int before = inner.perNodeStateCount();
            inner.abandoned(change, reason);
            log().lifecycle(new ProviderLog.Lifecycle(ProviderLog.Call.ABANDONED, Optional.of(change), Optional.empty(),
                    before, inner.perNodeStateCount()));
        }

        @Override
        public void afterChange(BindingChange change) {
            int before = inner.perNodeStateCount();
            inner.afterChange(change);
            log().lifecycle(new ProviderLog.Lifecycle(ProviderLog.Call.AFTER_CHANGE, Optional.of(change),
                    Optional.empty(), before, inner.perNodeStateCount()));
        }

        @Override
        public void refused(Refusal refusal) {
            int before = inner.perNodeStateCount();
            inner.refused(refusal);
            log().lifecycle(new ProviderLog.Lifecycle(ProviderLog.Call.REFUSED, Optional.empty(), Optional.of(refusal),
                    before, inner.perNodeStateCount()));
        }

        @Override
        public void close() {
            inner.close();
        }

        @Override
        public int perNodeStateCount() {
            return inner.perNodeStateCount();
        }

        @Override
        public java.util.Map<String, Long> counters() {
            return inner.counters();
        }
    }
}
