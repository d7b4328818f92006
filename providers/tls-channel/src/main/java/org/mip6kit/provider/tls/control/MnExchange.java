package org.mip6kit.provider.tls.control;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv6Address;

/**
 * The mobile node's side of one bootstrap with its Home Agent Controller (RFC 6618 §5, PSK
 * method of §5.8 as read in {@link PskAuth}). Pure: {@link #start()} gives the first message,
 * {@link #onMessage} the next step. One instance per connection; not thread-safe.
 *
 * <p>Each response must be the one its request expects, with the request's identifier; the
 * controller's {@code auth} is verified before any other field of the response is believed; the
 * assignment is checked (addresses, port 1..65535, SPI 1..2<sup>28</sup>-1, key lengths, a suite
 * from this node's list, a validity end after the clock's now). Any fault ends the exchange with
 * {@link MnStep.Failed}.
 */
public final class MnExchange {

    private enum State { NEW, AWAIT_INIT_RESP, AWAIT_DONE_RESP, OVER }

    /**
     * What the node asks for in MHAuth-Done.
     *
     * @param scope       SA scope ({@code mip6-sas})
     * @param homeAddress a home address the node would like, if any
     * @param homePrefix  a home prefix the node would like, if any
     */
    public record Wanted(SaScope scope, Optional<Ipv6Address> homeAddress, Optional<HomePrefix> homePrefix) {
        public Wanted {
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(homeAddress, "homeAddress");
            Objects.requireNonNull(homePrefix, "homePrefix");
        }

        /** Just a scope: the controller picks the addresses. */
        public static Wanted scope(SaScope scope) {
            return new Wanted(scope, Optional.empty(), Optional.empty());
        }
    }

    private final String mnId;
    private final PreSharedKey psk;
    private final byte[] channelBinding;
    private final Wanted wanted;
    private final List<String> suites;
    private final SecureRandom random;
    private final Clock clock;

    private State state = State.NEW;
    private byte[] mnRand;
    private byte[] hacRand;

    /**
     * @param mnId             this node's identity ({@code mn-id}), 1..253 visible ASCII characters
     * @param psk              its pre-shared key
     * @param channelBinding   {@code tls-server-end-point} of this connection, from the
     *                         certificate the controller presented ({@link ChannelBinding}); copied
     * @param wanted           what to ask for
     * @param acceptableSuites suite names (RFC 6618 §5.6.5), most preferred first; another
     *                         package maps them to algorithms
     * @param random           source of {@code mn-rand}
     * @param clock            to check the validity end
     */
    public MnExchange(String mnId, PreSharedKey psk, byte[] channelBinding, Wanted wanted,
            List<String> acceptableSuites, SecureRandom random, Clock clock) {
        if (!ControlFields.isToken(mnId, 253)) {
            throw new IllegalArgumentException("mn-id is 1..253 visible ASCII characters");
        }
        this.mnId = mnId;
        this.psk = Objects.requireNonNull(psk, "psk");
        this.channelBinding = channelBinding.clone();
        this.wanted = Objects.requireNonNull(wanted, "wanted");
        this.suites = List.copyOf(acceptableSuites);
        if (suites.isEmpty() || !suites.stream().allMatch(ControlFields::isSuiteName)) {
            throw new IllegalArgumentException("at least one suite, each a name of letters, digits and '_'");
        }
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The MHAuth-Init request, identifier 1. */
    public ControlMessage start() {
        if (state != State.NEW) {
            throw new IllegalStateException("already started");
        }
        mnRand = new byte[ControlFields.RAND_OCTETS];
        random.nextBytes(mnRand);
        state = State.AWAIT_INIT_RESP;
        return ControlMessage.builder(ControlMessageType.INIT, 1)
                .field(ControlFields.MN_ID, mnId)
                .field(ControlFields.MN_RAND, ControlFields.bytesToHex(mnRand))
                .field(ControlFields.AUTH_METHOD, "psk")
                .build();
    }

    /**
     * Handles the controller's response to the last request.
     *
     * @throws IllegalStateException before {@link #start()} or after the exchange ended
     */
    public MnStep onMessage(ControlMessage m) {
        switch (state) {
            case AWAIT_INIT_RESP:
                return onInitResp(m);
            case AWAIT_DONE_RESP:
                return onDoneResp(m);
            default:
                throw new IllegalStateException("no response is expected now");
        }
    }

    private MnStep onInitResp(ControlMessage m) {
        if (!m.type().equals(ControlMessageType.INIT_RESP) || m.identifier() != 1) {
            return fail(StatusCode.BAD_REQUEST, "expected MHAuth-Init-resp with identifier 1, got " + m.type()
                    + " with " + m.identifier(), false);
        }
        Optional<String> hac = m.get(ControlFields.HAC_RAND);
        if (hac.isEmpty() || !m.endsWith(ControlFields.AUTH)) {
            return unauthenticatedFailure(m, "MHAuth-Init-resp without hac-rand and auth");
        }
        byte[] candidateHacRand = ControlFields.hexToBytes(hac.get());
        if (!PskAuth.verify(m, psk, PskAuth.Sender.CONTROLLER, mnRand, candidateHacRand, channelBinding)) {
            return fail(StatusCode.UNAUTHORIZED, "the controller's auth in MHAuth-Init-resp does not verify "
                    + "(wrong key, or TLS not ended at the controller)", false);
        }
        hacRand = candidateHacRand;
        if (!status(m).equals(Optional.of(StatusCode.CONTINUE))
                || !m.get(ControlFields.MN_RAND).map(ControlFields::hexToBytes)
                        .map(r -> java.util.Arrays.equals(r, mnRand)).orElse(false)) {
            return fail(StatusCode.BAD_REQUEST, "MHAuth-Init-resp lacks status-code 100 or echoes another mn-rand", true);
        }
        ControlMessage.Builder done = ControlMessage.builder(ControlMessageType.DONE, 2)
                .field(ControlFields.MN_RAND, ControlFields.bytesToHex(mnRand))
                .field(ControlFields.HAC_RAND, ControlFields.bytesToHex(hacRand))
                .field(ControlFields.SA_SCOPE, Integer.toString(wanted.scope().code()))
                .field(ControlFields.CIPHERSUITES, String.join(",", suites))
                .field(ControlFields.HOME_ADDRESS_IP6, wanted.homeAddress().map(Ipv6Address::toString))
                .field(ControlFields.HOME_PREFIX_IP6, wanted.homePrefix().map(HomePrefix::toString));
        state = State.AWAIT_DONE_RESP;
        return new MnStep.Send(PskAuth.sign(done.build(), psk, PskAuth.Sender.MOBILE_NODE, mnRand, hacRand,
                channelBinding));
    }

    private MnStep onDoneResp(ControlMessage m) {
        if (!m.type().equals(ControlMessageType.DONE_RESP) || m.identifier() != 2) {
            return fail(StatusCode.BAD_REQUEST, "expected MHAuth-Done-resp with identifier 2, got " + m.type()
                    + " with " + m.identifier(), false);
        }
        if (!m.endsWith(ControlFields.AUTH)) {
            return unauthenticatedFailure(m, "MHAuth-Done-resp without auth");
        }
        if (!PskAuth.verify(m, psk, PskAuth.Sender.CONTROLLER, mnRand, hacRand, channelBinding)) {
            return fail(StatusCode.UNAUTHORIZED, "the controller's auth in MHAuth-Done-resp does not verify", false);
        }
        Optional<StatusCode> status = status(m);
        if (status.isEmpty()) {
            return fail(StatusCode.BAD_REQUEST, "MHAuth-Done-resp without status-code", true);
        }
        if (!status.get().isSuccess()) {
            state = State.OVER;
            return new MnStep.Failed(status.get(), "the controller refused", true, retryAfter(m));
        }
        Assignment a;
        try {
            a = readAssignment(m);
        } catch (IllegalArgumentException e) {
            return fail(StatusCode.INTERNAL_ERROR, "the assignment breaks the rules: " + e.getMessage(), true);
        }
        if (!suites.contains(a.suite())) {
            return fail(StatusCode.INTERNAL_ERROR, "the controller chose suite " + a.suite() + ", not one offered", true);
        }
        if (!a.validityEnd().isAfter(clock.instant())) {
            return fail(StatusCode.INTERNAL_ERROR, "the security association ended already (" + a.validityEnd() + ")",
                    true);
        }
        if (a.scope() != wanted.scope()) {
            return fail(StatusCode.INTERNAL_ERROR, "the controller gave SA scope " + a.scope() + ", asked for "
                    + wanted.scope(), true);
        }
        state = State.OVER;
        return new MnStep.Provisioned(mnId, a);
    }

    /** Fields were checked by the codec; this reads them and lets {@link Assignment} check the whole. */
    private static Assignment readAssignment(ControlMessage m) {
        Assignment.Builder b = Assignment.builder()
                .homeAgent(Ipv6Address.parse(required(m, ControlFields.HA_ADDRESS_IP6)))
                .port(Integer.parseInt(required(m, ControlFields.PORT)))
                .spi(Integer.parseInt(required(m, ControlFields.SPI)))
                .suite(required(m, ControlFields.CIPHERSUITE))
                .keys(ControlFields.hexToBytes(required(m, ControlFields.MN_TO_HA_IKEY)),
                        m.get(ControlFields.MN_TO_HA_EKEY).map(ControlFields::hexToBytes).orElse(null),
                        ControlFields.hexToBytes(required(m, ControlFields.HA_TO_MN_IKEY)),
                        m.get(ControlFields.HA_TO_MN_EKEY).map(ControlFields::hexToBytes).orElse(null))
                .validityEnd(ControlFields.parseInstant(required(m, ControlFields.SA_VALIDITY_END)))
                .scope(SaScope.of(Integer.parseInt(required(m, ControlFields.SA_SCOPE))));
        m.get(ControlFields.HA_ADDRESS_IP4).map(Ipv4Address::parse).ifPresent(b::homeAgentIpv4);
        m.get(ControlFields.HOME_ADDRESS_IP6).map(Ipv6Address::parse).ifPresent(b::homeAddress);
        m.get(ControlFields.HOME_PREFIX_IP6).map(HomePrefix::parse).ifPresent(b::homePrefix);
        return b.build();
    }

    private static String required(ControlMessage m, String name) {
        return m.get(name).orElseThrow(() -> new IllegalArgumentException(name + " is missing"));
    }

    private MnStep unauthenticatedFailure(ControlMessage m, String what) {
        Optional<StatusCode> s = status(m);
        if (s.isPresent() && !s.get().isIntermediate() && !s.get().isSuccess()) {
            return fail(s.get(), "the controller answered " + s.get() + " (not authenticated)", false);
        }
        return fail(StatusCode.BAD_REQUEST, what, false);
    }

    private MnStep fail(StatusCode status, String reason, boolean authenticated) {
        state = State.OVER;
        return new MnStep.Failed(status, reason, authenticated, OptionalInt.empty());
    }

    private static Optional<StatusCode> status(ControlMessage m) {
        return m.get(ControlFields.STATUS_CODE).map(v -> StatusCode.of(Integer.parseInt(v)));
    }

    private static OptionalInt retryAfter(ControlMessage m) {
        return m.get(ControlFields.RETRY_AFTER).map(v -> OptionalInt.of(Integer.parseInt(v))).orElse(OptionalInt.empty());
    }
}
