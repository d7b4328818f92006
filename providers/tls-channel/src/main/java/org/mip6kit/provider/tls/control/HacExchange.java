package org.mip6kit.provider.tls.control;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.wire.Ipv6Address;

/**
 * The Home Agent Controller's side of one TLS connection (RFC 6618 §5, PSK method of §5.8 as read
 * in {@link PskAuth}). Pure: messages in, replies out; the caller owns TLS, the socket and the
 * timers. One instance per connection; not thread-safe.
 *
 * <p>Rules enforced, each failure answered with an error {@code status-code} and a close:
 * <ul>
 * <li>the node sends only requests, MHAuth-Init first, then MHAuth-Done (MHAuth-Mid and EAP are
 *     not implemented: {@code auth-method: eap} gets 501); anything else gets 400;</li>
 * <li>identifiers start at 1 and go up by one ({@link ExchangeSequence}); a repeated or
 *     skipped identifier gets 400;</li>
 * <li>the node's {@code auth} in MHAuth-Done is verified before any other field of it is used;
 *     a wrong one gets 401 — and so does an unknown {@code mn-id}, whose MHAuth-Init-resp was
 *     signed with a random key, so identities cannot be probed; the {@link Provisioner} is not
 *     called;</li>
 * <li>after the final response the exchange is over; {@link #onMessage} then throws.</li>
 * </ul>
 * Responses after the node authenticated (200, and refusals by the provisioner) carry the
 * controller's {@code auth}; errors before it do not.
 */
public final class HacExchange {

    private enum State { AWAIT_INIT, AWAIT_DONE, CLOSED }

    private final PskLookup psks;
    private final byte[] channelBinding;
    private final Provisioner provisioner;
    private final SecureRandom random;
    private final Clock clock;
    private final ExchangeSequence sequence = new ExchangeSequence();

    private State state = State.AWAIT_INIT;
    private String mnId;
    private PreSharedKey key;
    private boolean knownNode;
    private byte[] mnRand;
    private byte[] hacRand;

    /**
     * @param psks           finds a node's key by {@code mn-id}
     * @param channelBinding the {@code tls-server-end-point} binding of this connection
     *                       ({@link ChannelBinding}); copied
     * @param provisioner    assigns home agent, addresses and SA to an authenticated node
     * @param random         source of {@code hac-rand} (and of the stand-in key for unknown nodes)
     * @param clock          to check that an assignment's validity end lies ahead
     */
    public HacExchange(PskLookup psks, byte[] channelBinding, Provisioner provisioner, SecureRandom random,
            Clock clock) {
        this.psks = Objects.requireNonNull(psks, "psks");
        this.channelBinding = channelBinding.clone();
        this.provisioner = Objects.requireNonNull(provisioner, "provisioner");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Whether the exchange is over (the connection must be closed). */
    public boolean isClosed() {
        return state == State.CLOSED;
    }

    /**
     * Handles one message from the node.
     *
     * @return the response to send and whether to close afterwards
     * @throws IllegalStateException if the exchange is already over
     */
    public HacReply onMessage(ControlMessage m) {
        if (state == State.CLOSED) {
            throw new IllegalStateException("the exchange is over; the connection should be closed");
        }
        if (!m.type().isRequest()) {
            return fail(m, StatusCode.BAD_REQUEST);
        }
        if (!sequence.accept(m.identifier())) {
            return fail(m, StatusCode.BAD_REQUEST);
        }
        if (state == State.AWAIT_INIT) {
            return m.type().equals(ControlMessageType.INIT) ? onInit(m) : fail(m, StatusCode.BAD_REQUEST);
        }
        return m.type().equals(ControlMessageType.DONE) ? onDone(m) : fail(m, StatusCode.BAD_REQUEST);
    }

    /**
     * Answers a message that could not be decoded ({@link ControlFormatException}) and ends the
     * exchange: 400 in an MHAuth-Done-resp with the identifier the header carried (1 if unusable).
     */
    public HacReply onFormatError(int identifier) {
        state = State.CLOSED;
        int id = identifier >= 1 && identifier <= 255 ? identifier : 1;
        return new HacReply(status(ControlMessageType.DONE_RESP, id, StatusCode.BAD_REQUEST).build(), true);
    }

    private HacReply onInit(ControlMessage m) {
        Optional<String> id = m.get(ControlFields.MN_ID);
        Optional<String> rand = m.get(ControlFields.MN_RAND);
        Optional<String> method = m.get(ControlFields.AUTH_METHOD);
        if (id.isEmpty() || rand.isEmpty() || method.isEmpty()) {
            return fail(m, StatusCode.BAD_REQUEST);
        }
        if (method.get().equals("eap")) {
            return fail(m, StatusCode.NOT_IMPLEMENTED);
        }
        if (!method.get().equals("psk")) {
            return fail(m, StatusCode.BAD_REQUEST);
        }
        mnId = id.get();
        mnRand = ControlFields.hexToBytes(rand.get());
        Optional<PreSharedKey> found = psks.find(mnId);
        knownNode = found.isPresent();
        if (knownNode) {
            key = found.get();
        } else {
            byte[] standIn = new byte[32];
            random.nextBytes(standIn);
            key = new PreSharedKey(standIn);
        }
        hacRand = new byte[ControlFields.RAND_OCTETS];
        random.nextBytes(hacRand);
        ControlMessage unsigned = status(ControlMessageType.INIT_RESP, m.identifier(), StatusCode.CONTINUE)
                .field(ControlFields.MN_ID, mnId)
                .field(ControlFields.MN_RAND, rand.get())
                .field(ControlFields.HAC_RAND, ControlFields.bytesToHex(hacRand))
                .build();
        state = State.AWAIT_DONE;
        return new HacReply(sign(unsigned), false);
    }

    private HacReply onDone(ControlMessage m) {
        boolean authentic = m.endsWith(ControlFields.AUTH)
                && PskAuth.verify(m, key, PskAuth.Sender.MOBILE_NODE, mnRand, hacRand, channelBinding);
        if (!authentic || !knownNode) {
            return fail(m, StatusCode.UNAUTHORIZED);
        }
        // Authenticated from here: errors are signed.
        Optional<String> echoedMn = m.get(ControlFields.MN_RAND);
        Optional<String> echoedHac = m.get(ControlFields.HAC_RAND);
        Optional<String> scope = m.get(ControlFields.SA_SCOPE);
        Optional<String> suites = m.get(ControlFields.CIPHERSUITES);
        if (echoedMn.isEmpty() || echoedHac.isEmpty() || scope.isEmpty() || suites.isEmpty()
                || !java.util.Arrays.equals(ControlFields.hexToBytes(echoedMn.get()), mnRand)
                || !java.util.Arrays.equals(ControlFields.hexToBytes(echoedHac.get()), hacRand)) {
            return failSigned(m, StatusCode.BAD_REQUEST, Optional.empty());
        }
        List<String> acceptable = ControlFields.splitSuites(suites.get());
        ProvisioningRequest request = new ProvisioningRequest(mnId, SaScope.of(Integer.parseInt(scope.get())),
                acceptable, m.get(ControlFields.HOME_ADDRESS_IP6).map(Ipv6Address::parse),
                m.get(ControlFields.HOME_PREFIX_IP6).map(HomePrefix::parse));
        ProvisioningOutcome outcome;
        try {
            outcome = provisioner.provision(request);
        } catch (RuntimeException e) {
            return failSigned(m, StatusCode.INTERNAL_ERROR, Optional.empty());
        }
        if (outcome instanceof ProvisioningOutcome.Refusal refusal) {
            return failSigned(m, refusal.status(),
                    refusal.retryAfterSeconds().isPresent()
                            ? Optional.of(refusal.retryAfterSeconds().getAsInt()) : Optional.empty());
        }
        Assignment a = (Assignment) Objects.requireNonNull(outcome, "the provisioner returned null");
        if (!acceptable.contains(a.suite()) || !a.validityEnd().isAfter(clock.instant())) {
            return failSigned(m, StatusCode.INTERNAL_ERROR, Optional.empty());
        }
        ControlMessage unsigned = a.appendTo(status(ControlMessageType.DONE_RESP, m.identifier(), StatusCode.OK))
                .build();
        state = State.CLOSED;
        return new HacReply(sign(unsigned), true);
    }

    private ControlMessage sign(ControlMessage unsigned) {
        return PskAuth.sign(unsigned, key, PskAuth.Sender.CONTROLLER, mnRand, hacRand, channelBinding);
    }

    private static ControlMessage.Builder status(ControlMessageType type, int identifier, StatusCode status) {
        return ControlMessage.builder(type, identifier).field(ControlFields.STATUS_CODE, Integer.toString(status.code()));
    }

    private HacReply fail(ControlMessage m, StatusCode status) {
        state = State.CLOSED;
        return new HacReply(status(responseTypeFor(m), m.identifier(), status).build(), true);
    }

    private HacReply failSigned(ControlMessage m, StatusCode status, Optional<Integer> retryAfter) {
        state = State.CLOSED;
        ControlMessage.Builder b = status(responseTypeFor(m), m.identifier(), status);
        retryAfter.ifPresent(s -> b.field(ControlFields.RETRY_AFTER, Integer.toString(s)));
        return new HacReply(sign(b.build()), true);
    }

    private static ControlMessageType responseTypeFor(ControlMessage m) {
        return m.type().isRequest() ? m.type().response() : ControlMessageType.DONE_RESP;
    }
}
