package org.mip6kit.provider.auth4285;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.BootstrapResult;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderEvent;
import org.mip6kit.spi.RejectAction;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.HomeAgentSwitch;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.SequenceNumber;

/**
 * The mobile node side of {@code auth-option-4285}.
 *
 * <p><b>Sending.</b> Every Binding Update carries the node's NAI (MN-ID option, RFC 4283), a
 * replay protection option with the node's time (corrected by the offset learnt from the home
 * agent, strictly increasing so no two Binding Updates share a timestamp) and the MN-HA
 * authentication option of the newest configured security association, last.
 *
 * <p><b>Receiving.</b> A Binding Acknowledgement is acted on only when it comes from the home
 * agent bootstrap named, is authenticated with the security association of the Binding Update
 * it answers (over that Binding Update's care-of and home address), and answers a Binding
 * Update this node sent: its replay option echoes that Binding Update's timestamp, or — status
 * 144 — it carries the home agent's time in the high-order 32 bits, the Binding Update's
 * low-order 32 bits and its sequence number. The home agent is the one this node last sent a
 * Binding Update to (bootstrap's, or the one a Home Agent Switch moved it to).
 *
 * <p><b>Home Agent Switch</b> (RFC 5142; protecting it with RFC 4285 options is a mip6kit
 * extension, docs/providers/auth-option-4285.md#home-agent-switch). Acted on only when it comes
 * from the home agent, carries exactly one MN-HA authentication option, last, with the SPI of one
 * of this node's associations, verifying over the care-of and home address of this node's latest
 * accepted registration; and a replay option whose timestamp is within
 * {@link AuthOption4285Provider#DEFAULT_REPLAY_WINDOW} of this node's (corrected) clock and newer
 * than that of any Home Agent Switch accepted before. Anything else RFC 4285 does not
 * authenticate (Binding Refresh Requests, Binding Errors) is not acted on.
 *
 * <p><b>Status 146 (MIPV6-AUTH-FAIL).</b> An acknowledgement with 146 that this node can verify
 * proves the home agent holds this node's key, so the Binding Update it answers was altered on
 * the way (or its addresses were rewritten). Acting on it — RFC 4285 says the node should stop
 * sending Binding Updates — would let anyone on the path end a registration whose genuine
 * Binding Update may still arrive. The node reports it (provider event {@code auth-fail-reported})
 * and lets its retransmission limit decide, which stops it just the same when the failure
 * persists.
 *
 * <p><b>Bootstrap</b> is static configuration: the home address, home agent and UDP endpoint
 * come from {@code home-address}, {@code home-agent} and {@code home-agent-endpoint} (or from the
 * engine's own settings, which take precedence).
 */
final class MobileNodeSide implements MobileNodeSecurity {
    @Override
    public java.util.Set<org.mip6kit.spi.Capability> capabilities() {
        return AuthOption4285Provider.DESCRIPTOR.capabilities();
    }


    /** Binding Updates remembered to match acknowledgements against. */
    static final int REMEMBERED_UPDATES = 64;

    private final ProviderContext context;
    private final String nai;
    private final List<SecurityAssociation> associations;
    private final Optional<Ipv6Address> homeAddress;
    private final Optional<Ipv6Address> homeAgent;
    private final Optional<InetSocketAddress> homeAgentEndpoint;
    private final Deque<Sent> sent = new ArrayDeque<>();
    private long lastTimestamp;
    private volatile Duration clockOffset = Duration.ZERO;
    private volatile Ipv6Address boundHomeAgent;
    /** The addresses of the latest Binding Update the home agent accepted, or null. */
    private volatile AuthenticatedAddresses registered;
    /** The newest Home Agent Switch timestamp accepted; guarded by {@code this}. */
    private long lastSwitchTimestamp;
    private volatile boolean closed;

    /** One Binding Update as sent: what its acknowledgement must match and is authenticated over. */
    private record Sent(long timestamp, SequenceNumber sequence, AuthenticatedAddresses addresses,
                        SecurityAssociation association) {
    }

    /**
     * @param associations the node's security associations, oldest first; the last one signs
     */
    MobileNodeSide(ProviderContext context, String nai, List<SecurityAssociation> associations,
                   Optional<Ipv6Address> homeAddress, Optional<Ipv6Address> homeAgent,
                   Optional<InetSocketAddress> homeAgentEndpoint) {
        if (associations.isEmpty()) {
            throw new IllegalArgumentException("a mobile node needs a security association");
        }
        this.context = context;
        this.nai = nai;
        this.associations = List.copyOf(associations);
        this.homeAddress = homeAddress;
        this.homeAgent = homeAgent;
        this.homeAgentEndpoint = homeAgentEndpoint;
    }

    @Override
    public CompletionStage<BootstrapResult> bootstrap(BootstrapRequest want) {
        Optional<Ipv6Address> hoa = want.configuredHomeAddress().or(() -> homeAddress);
        Optional<Ipv6Address> ha = want.configuredHomeAgent().or(() -> homeAgent);
        if (hoa.isEmpty() || ha.isEmpty()) {
            String key = hoa.isEmpty() ? "home-address" : "home-agent";
            return CompletableFuture.failedFuture(new SecurityProviderException("auth-option-4285 bootstraps from "
                    + "configuration only: set security." + AuthOption4285Provider.NAME + "." + key + " (see "
                    + KeyFiles.DOCS.replace("#keys", "#mobile-node") + ")"));
        }
        boundHomeAgent = ha.get();
        return CompletableFuture.completedFuture(new BootstrapResult(Identity.nai(nai), hoa, Optional.empty(),
                Optional.empty(), ha.get(), homeAgentEndpoint.map(java.util.List::of).orElse(java.util.List.of())));
    }

    @Override
    public SignallingPath path(TransportFactory engineTransports) {
        return new Path(engineTransports);
    }

    @Override
    public CompletionStage<Void> careOfChanging(Ipv6Address from, Ipv6Address to) {
        // The association is not bound to the care-of address: the next Binding Update simply
        // authenticates the new one.
        return CompletableFuture.completedFuture(null);
    }

    /**
     * 144: apply the home agent's time from the verified acknowledgement as a clock offset and
     * retry with the same sequence number (RFC 4285 §6). Anything else ends the attempt.
     */
    @Override
    public RejectAction onRejected(BindingAckStatus status, Inbound verifiedAcknowledgement) {
        if (status.equals(BindingAckStatus.MIPV6_ID_MISMATCH)) {
            Optional<Long> haTime = replayTimestamp(verifiedAcknowledgement);
            if (haTime.isEmpty()) {
                return new RejectAction.GiveUp("status 144 without the home agent's time");
            }
            Instant own = context.clock().instant();
            Instant theirs = NtpTimestamp.secondsOf(haTime.get());
            Duration offset = Duration.between(own, theirs);
            applyOffset(offset);
            context.events().emit(new ProviderEvent("clock-offset-applied", Optional.of(Identity.nai(nai)),
                    Optional.empty(), "the home agent's clock reads " + theirs + "; applying an offset of "
                    + offset.toMillis() + " ms to replay timestamps"));
            return new RejectAction.Retry(true, "timestamp outside the home agent's window (144); clock offset "
                    + offset.toMillis() + " ms applied");
        }
        if (status.equals(BindingAckStatus.MIPV6_MESG_ID_REQD)) {
            return new RejectAction.GiveUp("the home agent requires a replay protection option (145), but this "
                    + "node sends one in every Binding Update: check what rewrites them on the way");
        }
        return new RejectAction.GiveUp("the home agent refused the registration with " + status);
    }

    @Override
    public void close() {
        closed = true;
    }

    /** The offset applied to this node's clock for replay timestamps. */
    Duration clockOffset() {
        return clockOffset;
    }

    // ------------------------------------------------------------------ sending

    private SecurityAssociation signing() {
        return associations.get(associations.size() - 1);
    }

    /**
     * Timestamps restart from the corrected clock: the ones sent before were refused (they were
     * outside the window), so going back cannot collide with one the home agent accepted.
     */
    private synchronized void applyOffset(Duration offset) {
        clockOffset = offset;
        lastTimestamp = 0;
    }

    private synchronized long nextTimestamp() {
        long t = NtpTimestamp.of(context.clock().instant().plus(clockOffset));
        if (Long.compareUnsigned(t, lastTimestamp) <= 0) {
            t = lastTimestamp + 1;
        }
        lastTimestamp = t;
        return t;
    }

    private byte[] protect(BindingUpdate bu, Addressing to) {
        SecurityAssociation sa = signing();
        long timestamp = nextTimestamp();
        // The care-of address comes from the message as it will be sent (its own options).
        AuthenticatedAddresses addresses = AuthenticatedAddresses.forBindingUpdate(bu, to);
        // The node chooses its home agent (bootstrap, or a verified Home Agent Switch); answers are
        // expected from where its Binding Updates go.
        boundHomeAgent = to.destination();
        byte[] mh = Protection.protect(context.codec(), bu, MobileNodeIdentifier.nai(nai), timestamp, sa, addresses,
                to);
        synchronized (sent) {
            sent.addLast(new Sent(timestamp, bu.sequence(), addresses, sa));
            while (sent.size() > REMEMBERED_UPDATES) {
                sent.removeFirst();
            }
        }
        return mh;
    }

    // ------------------------------------------------------------------ verification

    Verdict judge(Inbound in, MobilityMessage decoded) {
        Ipv6Address from = in.addressing().source();
        Ipv6Address ha = boundHomeAgent;
        if (ha == null || !ha.equals(from)) {
            return Verdict.drop(from + " is not this node's home agent");
        }
        if (decoded instanceof HomeAgentSwitch has) {
            return judgeSwitch(in, has);
        }
        if (!(decoded instanceof BindingAcknowledgement ba)) {
            return Verdict.drop("RFC 4285 authenticates Binding Updates and Acknowledgements (and mip6kit a Home "
                    + "Agent Switch) only; a " + decoded.type() + " cannot be verified and is not acted on");
        }
        List<MobilityMessageAuthentication> auths = ba.options(MobilityMessageAuthentication.class);
        List<MobilityOption> options = ba.options();
        byte[] mh = in.octets();
        int at = AuthenticatorLocation.find(mh);
        if (auths.size() != 1 || options.get(options.size() - 1) != auths.get(0) || at < 0) {
            return Verdict.drop("not exactly one Mobility Message Authentication option as the last option");
        }
        MobilityMessageAuthentication auth = auths.get(0);
        if (!auth.isMnHa()) {
            return Verdict.drop("a Binding Acknowledgement must be authenticated with MN-HA, not subtype "
                    + auth.subtype() + " (RFC 4285 §5.2)");
        }
        Optional<MobilityMessageReplayProtection> stamp = ba.option(MobilityMessageReplayProtection.class);
        Sent answered = answered(ba, stamp);
        if (answered == null) {
            return Verdict.drop("answers no Binding Update this node sent (sequence " + ba.sequence()
                    + (stamp.isPresent() ? ", timestamp " + NtpTimestamp.hex(stamp.get().timestamp()) : "")
                    + ")");
        }
        if (auth.spi() != answered.association().spi()) {
            return Verdict.drop("authenticated with SPI " + auth.spi() + ", not SPI " + answered.association().spi()
                    + " of the Binding Update it answers");
        }
        if (!answered.association().verifies(answered.addresses(), mh, at)) {
            return Verdict.drop("the home agent's authenticator does not verify");
        }
        if (ba.status().equals(BindingAckStatus.MIPV6_AUTH_FAIL)) {
            context.events().emit(new ProviderEvent("auth-fail-reported", Optional.of(Identity.nai(nai)),
                    Optional.of(answered.addresses().homeAddress()), "the home agent could not authenticate the "
                    + "Binding Update with sequence " + ba.sequence() + " (146); it was altered on the way or its "
                    + "addresses were rewritten; not acted on, retransmission continues"));
            return Verdict.drop("status 146 noted but not acted on (see docs/providers/auth-option-4285.md#status-146)");
        }
        if (ba.status().isAccepted()) {
            registered = answered.addresses();
        }
        return Verdict.accept(new Identity(Identity.Kind.HOME_AGENT, from.toString()), ReplyContext.NONE);
    }

    /** The Home Agent Switch rules of the class comment; the sender was checked already. */
    private Verdict judgeSwitch(Inbound in, HomeAgentSwitch has) {
        AuthenticatedAddresses addresses = registered;
        if (addresses == null) {
            return Verdict.drop("a Home Agent Switch before any accepted registration cannot be verified");
        }
        List<MobilityMessageAuthentication> auths = has.options(MobilityMessageAuthentication.class);
        List<MobilityOption> options = has.options();
        byte[] mh = in.octets();
        int at = AuthenticatorLocation.find(mh);
        if (auths.size() != 1 || options.get(options.size() - 1) != auths.get(0) || at < 0) {
            return Verdict.drop("a Home Agent Switch without exactly one Mobility Message Authentication option as "
                    + "the last option is not acted on (docs/providers/auth-option-4285.md#home-agent-switch)");
        }
        MobilityMessageAuthentication auth = auths.get(0);
        if (!auth.isMnHa()) {
            return Verdict.drop("a Home Agent Switch must be authenticated with MN-HA, not subtype " + auth.subtype());
        }
        SecurityAssociation sa = associations.stream().filter(a -> a.spi() == auth.spi()).findFirst().orElse(null);
        if (sa == null) {
            return Verdict.drop("a Home Agent Switch authenticated with SPI " + auth.spi() + ", which is not one of "
                    + "this node's");
        }
        if (!sa.verifies(addresses, mh, at)) {
            return Verdict.drop("the home agent's authenticator on the Home Agent Switch does not verify");
        }
        Optional<MobilityMessageReplayProtection> stamp = has.option(MobilityMessageReplayProtection.class);
        if (stamp.isEmpty()) {
            return Verdict.drop("a Home Agent Switch without a replay protection option is not acted on");
        }
        long ts = stamp.get().timestamp();
        Instant now = context.clock().instant().plus(clockOffset);
        if (!NtpTimestamp.within(ts, now, AuthOption4285Provider.DEFAULT_REPLAY_WINDOW)) {
            return Verdict.drop("replay: the Home Agent Switch's timestamp " + NtpTimestamp.toInstant(ts)
                    + " is more than " + AuthOption4285Provider.DEFAULT_REPLAY_WINDOW.toSeconds() + " s from " + now);
        }
        synchronized (this) {
            if (Long.compareUnsigned(ts, lastSwitchTimestamp) <= 0) {
                return Verdict.drop("replay: a Home Agent Switch with timestamp " + NtpTimestamp.hex(ts)
                        + " is not newer than one accepted before");
            }
            lastSwitchTimestamp = ts;
        }
        return Verdict.accept(new Identity(Identity.Kind.HOME_AGENT, in.addressing().source().toString()),
                ReplyContext.NONE);
    }

    /**
     * The Binding Update {@code ba} answers: the one whose timestamp its replay option echoes;
     * for 144 (the home agent's time in the high-order 32 bits), the one with its sequence number
     * and the same low-order 32 bits; for 145 (which carries none), the newest one with its
     * sequence number.
     */
    private Sent answered(BindingAcknowledgement ba, Optional<MobilityMessageReplayProtection> stamp) {
        int code = ba.status().code();
        boolean resynchronisation = code == BindingAckStatus.MIPV6_ID_MISMATCH.code();
        if (resynchronisation && stamp.isEmpty()) {
            return null;
        }
        boolean bySequence = !resynchronisation && code == BindingAckStatus.MIPV6_MESG_ID_REQD.code()
                && stamp.isEmpty();
        synchronized (sent) {
            for (Iterator<Sent> it = sent.descendingIterator(); it.hasNext(); ) {
                Sent s = it.next();
                if (resynchronisation) {
                    // RFC 3344 §5.7.1, which RFC 4285 §6 follows: only the low-order 32 bits are the
                    // Binding Update's; the high-order ones are the home agent's clock.
                    if (s.sequence().equals(ba.sequence())
                            && NtpTimestamp.sameLowOrderBits(s.timestamp(), stamp.get().timestamp())) {
                        return s;
                    }
                } else if (bySequence ? s.sequence().equals(ba.sequence())
                        : stamp.isPresent() && s.timestamp() == stamp.get().timestamp()
                        && (s.sequence().equals(ba.sequence())
                        || code == BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW.code())) {
                    return s;
                }
            }
        }
        return null;
    }

    private Optional<Long> replayTimestamp(Inbound in) {
        try {
            MobilityMessage m = context.codec().decodeTrustingChecksum(in.octets());
            return m.option(MobilityMessageReplayProtection.class).map(MobilityMessageReplayProtection::timestamp);
        } catch (MobilityHeaderFormatException e) {
            return Optional.empty();
        }
    }

    // ------------------------------------------------------------------ the path

    private final class Path implements SignallingPath {
        private final TransportFactory transports;
        private volatile SignallingTransport transport;

        Path(TransportFactory transports) {
            this.transports = transports;
        }

        @Override
        public void start(Consumer<Inbound> receiver) {
            SignallingTransport t = transports.open();
            transport = t;
            t.start(receiver);
        }

        /** RFC 4285 decides at once: the stage is already complete, so the engine needs no timer. */
        @Override
        public java.util.concurrent.CompletionStage<Verdict> verify(Inbound received, MobilityMessage decoded) {
            return java.util.concurrent.CompletableFuture.completedFuture(decide(received, decoded));
        }

        private Verdict decide(Inbound received, MobilityMessage decoded) {
            try {
                return judge(received, decoded);
            } catch (RuntimeException e) {
                return Verdict.drop("auth-option-4285 failed verifying: " + e.getClass().getSimpleName());
            }
        }

        @Override
        public CompletionStage<Void> send(MobilityMessage message, Addressing to, Optional<ReplyContext> reply) {
            SignallingTransport t = transport;
            if (t == null || closed) {
                return CompletableFuture.failedFuture(new SecurityProviderException("the auth-option-4285 path is not "
                        + "running"));
            }
            if (!(message instanceof BindingUpdate bu)) {
                return CompletableFuture.failedFuture(new SecurityProviderException("auth-option-4285 on a mobile "
                        + "node sends Binding Updates only, not " + message.type()));
            }
            try {
                return t.send(protect(bu, to), to);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public void close() {
            SignallingTransport t = transport;
            if (t != null) {
                t.close();
            }
        }
    }
}
