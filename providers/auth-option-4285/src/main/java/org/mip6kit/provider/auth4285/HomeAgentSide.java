package org.mip6kit.provider.auth4285;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderEvent;
import org.mip6kit.spi.ReloadOutcome;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingError;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOption;

/**
 * The home agent side of {@code auth-option-4285}. Judges each Binding Update in this order
 * (authentication before the timestamp, as RFC 4285 §6 has the replay option checked only on
 * an authenticated message):
 * <ol>
 * <li>exactly one Mobility Message Authentication option, and it is the last option — else
 *     silence;</li>
 * <li>MN-HA: the SPI names a security association — else silence, because an answer could not
 *     be protected (RFC 4285: without a mobility SA the home agent drops the Binding Update);
 *     MN-AAA: the {@link AaaClient}'s answer, see below;</li>
 * <li>the authenticator verifies (constant-time comparison) — else status 146 MIPV6-AUTH-FAIL,
 *     answered and authenticated with that SPI's key; then a NAI Mobile Node Identifier option
 *     (RFC 4283) is present — else 129 (administratively prohibited; the message is authentic, so
 *     it is not told its authentication failed) — and names the NAI the association belongs
 *     to — else 146;</li>
 * <li>a replay protection option is present — else 145 MIPV6-MESG-ID-REQD when policy requires
 *     it;</li>
 * <li>its timestamp is within the replay window of the home agent's clock — else 144
 *     MIPV6-ID-MISMATCH, whose acknowledgement is authenticated and carries the home agent's
 *     own time in the high-order 32 bits of its timestamp and the Binding Update's low-order 32
 *     bits, so the mobile node can resynchronise and match the answer (RFC 4285 §6 with
 *     RFC 3344 §5.7.1);</li>
 * <li>the timestamp was not accepted under this association before, and is above the
 *     association's replay floor — else silence (a byte-identical replay inside the window, or
 *     possibly one; see {@link ReplayMemory}).</li>
 * </ol>
 * Accepted and refused Binding Updates alike are answered with the same security association,
 * the replay option echoed. The engine checks home-address ownership (129) and the sequence
 * number itself.
 *
 * <p><b>Home Agent Switch (RFC 5142, a mip6kit extension of RFC 4285).</b> A draining home agent
 * sends each bound node a Home Agent Switch protected as a Binding Acknowledgement would be: a
 * Replay Protection option with the home agent's own time (strictly increasing across the
 * messages it sends) and the MN-HA authentication option, last, computed with the security
 * association of the node's latest accepted Binding Update over the binding's care-of and home
 * address. Which node owns a home address is learnt from {@link #beforeAck} (the engine's
 * committed bindings), never from a message alone; a binding restored after a restart is known
 * again from its next refresh. See docs/providers/auth-option-4285.md#home-agent-switch.
 *
 * <p><b>MN-AAA.</b> {@link SignallingPath#verify} must not block, and an AAA round trip does. So
 * the path holds a Binding Update carrying the MN-AAA option until its {@link AaaClient} has
 * answered, and only then hands it to the engine, whose {@code verify} then finds the answer.
 * An authenticated answer installs the MN-HA association the AAA server distributed, for its
 * lifetime.
 */
final class HomeAgentSide implements HomeAgentSecurity {
    @Override
    public java.util.Set<org.mip6kit.spi.Capability> capabilities() {
        return AuthOption4285Provider.DESCRIPTOR.capabilities();
    }


    private static final CompletableFuture<Void> READY = CompletableFuture.completedFuture(null);
    /** One buffer per thread for the octets a verification reads (see {@link #received}). */
    private static final ThreadLocal<byte[]> RECEIVED =
            ThreadLocal.withInitial(() -> new byte[MobilityHeaderCodec.MAX_LENGTH]);

    /** Where the replay rules are explained. */
    static final String REPLAY_DOCS = "docs/providers/auth-option-4285.md#replay";
    /** Binding Updates waiting for the AAA server at most; beyond, new ones are dropped. */
    static final int MAX_PENDING_AAA = 256;
    /** How long an AAA answer waits for the engine's verify before it is forgotten. */
    static final Duration AAA_ANSWER_HOLD = Duration.ofSeconds(30);

    private final ProviderContext context;
    /** The key table and its replay memory, replaced together by {@link #reload}. */
    private volatile Keys current;
    /** Held while a reload hands the replay memory over and publishes the new table. */
    private final ReentrantLock swap = new ReentrantLock();
    private final Duration window;
    private final boolean requireReplayProtection;
    private final AaaClient aaa;
    private final Map<Long, Learned> learned = new ConcurrentHashMap<>();
    private final Map<ByteBuffer, AaaOutcome> aaaAnswers = new ConcurrentHashMap<>();
    private final Map<ByteBuffer, Boolean> aaaPending = new ConcurrentHashMap<>();
    /** The owner (NAI) of each bound home address, from the engine's committed changes. */
    private final Map<org.mip6kit.wire.Ipv6Address, String> owners = new ConcurrentHashMap<>();
    /** How many of {@link #owners}' home addresses each NAI owns: the last one gone forgets its SPI without a scan. */
    private final Map<String, Integer> ownedCount = new ConcurrentHashMap<>();
    /** The SPI of each NAI's latest accepted Binding Update: the association a Home Agent Switch uses. */
    private final Map<String, Long> latestSpi = new ConcurrentHashMap<>();
    /** The newest replay timestamp a Home Agent Switch carried, so none repeats. */
    private long lastSwitchTimestamp;
    private volatile boolean closed;

    /**
     * An MN-HA association distributed by the AAA server, usable until {@code until}, with a
     * replay memory of its own (one row).
     */
    private record Learned(SecurityAssociation association, Instant until, ReplayMemory replay) {
    }

    /**
     * A key table with the replay memory of its rows. One volatile read gives a verification
     * both, so it works with one table from start to end, however a reload interleaves.
     */
    private record Keys(KeyTable table, ReplayMemory replay) {
    }

    /** The AAA server's answer to one held Binding Update. */
    private record AaaOutcome(AaaClient.Request request, AaaClient.Answer answer, Throwable failure) {
    }

    HomeAgentSide(ProviderContext context, KeyTable keys, Duration window, boolean requireReplayProtection,
                  AaaClient aaa) {
        this.context = context;
        this.current = new Keys(keys, new ReplayMemory(keys.size(), window));
        this.window = window;
        this.requireReplayProtection = requireReplayProtection;
        this.aaa = aaa;
    }

    @Override
    public SignallingPath path(TransportFactory engineTransports) {
        return new Path(engineTransports);
    }

    /**
     * Notes who owns the home address, for a later Home Agent Switch; nothing to prepare (the
     * same completed stage every time: the engine only reads it).
     */
    @Override
    public CompletionStage<Void> beforeAck(BindingChange change) {
        if (change.identity().kind() == Identity.Kind.NAI) {
            String owner = change.identity().value();
            String previous = owners.put(change.homeAddress(), owner);
            if (!owner.equals(previous)) {
                ownedCount.merge(owner, 1, Integer::sum);
                if (previous != null) {
                    release(previous);
                }
            }
        }
        return READY;
    }

    /**
     * Forgets the owner of a home address whose binding ended. Replay memory is not touched: it
     * expires by time (when its timestamps leave the window), not by binding changes, so it
     * outlives a deregistration exactly as long as it must.
     */
    @Override
    public void afterChange(BindingChange change) {
        switch (change.kind()) {
            case DELETED, EXPIRED, REVOKED -> {
                String owner = owners.remove(change.homeAddress());
                if (owner != null) {
                    release(owner);
                }
            }
            default -> {
            }
        }
    }

    @Override
    public void abandoned(BindingChange change, String reason) {
        if (change.kind() == BindingChange.Kind.CREATED
                && owners.remove(change.homeAddress(), change.identity().value())) {
            release(change.identity().value());
        }
    }

    /** One home address fewer for {@code owner}; its SPI is forgotten with its last one. */
    private void release(String owner) {
        if (ownedCount.computeIfPresent(owner, (k, n) -> n == 1 ? null : n - 1) == null) {
            latestSpi.remove(owner);
        }
    }

    /** The format of {@link #bindingRecord}: version 1 (see {@link #bindingRecord}). */
    static final byte RECORD_VERSION = 1;
    /** Associations of one NAI a record holds at most (28 octets each, within the engine's 1024). */
    static final int RECORD_MAX_ASSOCIATIONS = 32;
    /** Octets per association in a record: SPI, floor and remembered timestamps. */
    static final int RECORD_ASSOCIATION_OCTETS = 4 + 8 * ReplayMemory.STRIDE;

    /**
     * The replay memory of the binding owner's associations in the key table, so a Binding
     * Update captured before a restart is still refused after it. Format, big-endian: version
     * (1 octet, {@value #RECORD_VERSION}), count (1), then per association its SPI (4), its
     * floor (8) and its {@value ReplayMemory#REMEMBERED} newest accepted NTP timestamps (8 each).
     * Timestamps, not keys. Associations learned from an AAA server are not recorded (after a
     * restart the node's next Binding Update asks the AAA server again).
     */
    @Override
    public byte[] bindingRecord(BindingChange change) {
        if (change.identity().kind() != Identity.Kind.NAI) {
            return null;
        }
        Keys keys = current;
        int[] rows = keys.table().rowsOf(change.identity().value());
        if (rows.length == 0) {
            return null;
        }
        // Sized for the owner's associations (one, usually: 30 octets), written in place; only
        // an association with nothing remembered leaves the array longer than the record.
        byte[] record = new byte[2 + Math.min(rows.length, RECORD_MAX_ASSOCIATIONS) * RECORD_ASSOCIATION_OCTETS];
        ByteBuffer b = ByteBuffer.wrap(record);
        b.put(RECORD_VERSION).put((byte) 0);
        int n = 0;
        for (int row : rows) {
            if (n == RECORD_MAX_ASSOCIATIONS) {
                break;
            }
            int at = b.position();
            b.putInt((int) keys.table().spi(row));
            if (keys.replay().copyInto(row, b)) {
                n++;
            } else {
                b.position(at);
            }
        }
        if (n == 0) {
            return null;
        }
        record[1] = (byte) n;
        return b.position() == record.length ? record : java.util.Arrays.copyOf(record, b.position());
    }

    /**
     * Merges a record of {@link #bindingRecord} into the replay memory of the associations the
     * key table still gives the same owner; ignores an unknown version, a damaged record and
     * associations removed or reassigned since.
     */
    @Override
    public void restoreBinding(Identity identity, org.mip6kit.wire.Ipv6Address homeAddress, byte[] record) {
        int each = RECORD_ASSOCIATION_OCTETS;
        if (record.length < 2 || record[0] != RECORD_VERSION || record.length != 2 + (record[1] & 0xFF) * each) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(record, 2, record.length - 2);
        Keys keys = current;
        while (b.hasRemaining()) {
            long spi = b.getInt() & 0xFFFF_FFFFL;
            long[] values = new long[ReplayMemory.STRIDE];
            for (int i = 0; i < values.length; i++) {
                values[i] = b.getLong();
            }
            int row = keys.table().row(spi);
            if (row != KeyTable.NONE && keys.table().owner(row).value().equals(identity.value())) {
                keys.replay().restore(row, values);
            }
        }
    }

    @Override
    public int perNodeStateCount() {
        // The owners of bound home addresses are not counted: each lives exactly as long as its
        // binding (afterChange removes it), so it is bounded by the binding cache, not per peer.
        return current.replay().size(context.clock().instant()) + learned.size() + aaaAnswers.size() + aaaPending.size();
    }

    @Override
    public void close() {
        closed = true;
        current.replay().close();
        learned.clear();
        aaaAnswers.clear();
        aaaPending.clear();
        owners.clear();
        ownedCount.clear();
        latestSpi.clear();
    }

    // ------------------------------------------------------------------ verification

    Verdict judge(Inbound in, MobilityMessage decoded) {
        if (!(decoded instanceof BindingUpdate bu)) {
            return Verdict.drop("a home agent judges only Binding Updates, not " + decoded.type());
        }
        List<MobilityOption> options = bu.options();
        MobilityMessageAuthentication auth = null;
        int auths = 0;
        MobilityMessageReplayProtection stamp = null;
        MobileNodeIdentifier id = null;
        for (int i = 0; i < options.size(); i++) {
            MobilityOption o = options.get(i);
            if (o instanceof MobilityMessageAuthentication a) {
                auth = auths++ == 0 ? a : auth;
            } else if (stamp == null && o instanceof MobilityMessageReplayProtection r) {
                stamp = r;
            } else if (id == null && o instanceof MobileNodeIdentifier m) {
                id = m;
            }
        }
        if (auths == 0) {
            return Verdict.drop("no Mobility Message Authentication option (RFC 4285 §5): the Binding Update is "
                    + "not authenticated");
        }
        if (auths > 1) {
            return Verdict.drop(auths + " Mobility Message Authentication options; exactly one is allowed");
        }
        byte[] mh = received(in);
        int at = AuthenticatorLocation.find(mh, in.length());
        if (options.get(options.size() - 1) != auth || at < 0) {
            return Verdict.drop("the Mobility Message Authentication option is not the last option (RFC 4285 §5)");
        }
        AuthenticatedAddresses addresses = AuthenticatedAddresses.forBindingUpdate(bu, in.addressing());
        if (auth.isMnAaa()) {
            return judgeMnAaa(id, auth, addresses, stamp);
        }
        if (!auth.isMnHa()) {
            return Verdict.drop("authentication subtype " + auth.subtype() + " is not MN-HA (1) or MN-AAA (2)");
        }
        SecurityAssociation sa;
        ReplayMemory memory;
        Keys keys = current;
        int row = keys.table().row(auth.spi());
        if (row != KeyTable.NONE) {
            sa = keys.table().association(row);
            memory = keys.replay();
        } else {
            Learned l = learned(auth.spi());
            if (l == null) {
                return Verdict.drop("unknown mobility SPI " + auth.spi() + ": no security association, so no answer "
                        + "could be authenticated");
            }
            sa = l.association();
            memory = l.replay();
            row = 0;
        }
        Exchange reply = new Exchange(sa, addresses, stamp, false);
        if (!sa.verifies(addresses, mh, at)) {
            return Verdict.reject(BindingAckStatus.MIPV6_AUTH_FAIL, reply, "the authenticator for SPI " + sa.spi()
                    + " does not verify over care-of " + addresses.careOf() + " and home address "
                    + addresses.homeAddress());
        }
        if (id == null || !id.isNai()) {
            // Authentic but unidentified: 146 would tell an RFC 4285 node that its authentication
            // failed; 129 refuses the request, not the key, and still ends the node's retries.
            return Verdict.reject(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED, reply, "no NAI Mobile Node "
                    + "Identifier option (RFC 4283) naming the owner of SPI " + sa.spi());
        }
        if (!id.namesNai(sa.nai())) {
            return Verdict.reject(BindingAckStatus.MIPV6_AUTH_FAIL, reply, "SPI " + sa.spi() + " belongs to "
                    + sa.nai() + ", not to " + id.nai());
        }
        return checkReplay(sa.identity(), memory, row, sa.spi(), stamp, reply);
    }

    /**
     * The received octets in this thread's buffer (the message fills its first
     * {@link Inbound#length()} octets): no array per Binding Update. Only {@link #judge} reads it,
     * and nothing it passes on keeps it.
     */
    private static byte[] received(Inbound in) {
        byte[] buffer = RECEIVED.get();
        if (in.length() > buffer.length) {
            return in.octets(); // the engine decodes a message before it asks, so never longer than this
        }
        in.copyTo(0, buffer, 0, in.length());
        return buffer;
    }

    /**
     * Steps 4–6 of the class comment, for a Binding Update authenticated with the association
     * whose replay memory is row {@code row} of {@code memory}.
     */
    private Verdict checkReplay(Identity who, ReplayMemory memory, int row, long spi,
                                MobilityMessageReplayProtection stamp, Exchange reply) {
        if (stamp == null) {
            if (requireReplayProtection) {
                return Verdict.reject(BindingAckStatus.MIPV6_MESG_ID_REQD, reply, "no Mobility Message Replay "
                        + "Protection option, and this home agent requires one (require-replay-protection)");
            }
            return accepted(who, spi, reply);
        }
        long ts = stamp.timestamp();
        Instant now = context.clock().instant();
        if (!NtpTimestamp.within(ts, now, window)) {
            return Verdict.reject(BindingAckStatus.MIPV6_ID_MISMATCH, reply.withOwnTime(), "timestamp "
                    + NtpTimestamp.toInstant(ts) + " is more than " + window.toMillis() + " ms from the home agent's "
                    + now + "; the answer carries the home agent's time");
        }
        ReplayMemory.Outcome outcome = memory.record(row, ts, now);
        if (outcome == ReplayMemory.Outcome.MOVED) {
            outcome = recordAfterReload(spi, ts, now);
        }
        return switch (outcome) {
            case FIRST_SEEN, MOVED -> accepted(who, spi, reply);
            case SEEN_BEFORE -> Verdict.drop("replay: a Binding Update of " + who.value() + " with timestamp "
                    + NtpTimestamp.hex(ts) + " was accepted before");
            case AT_OR_BELOW_FLOOR -> Verdict.drop("possible replay: timestamp " + NtpTimestamp.hex(ts) + " of "
                    + who.value() + " is not newer than one this home agent had to forget after accepting "
                    + ReplayMemory.REMEMBERED + " newer ones inside the window (see " + REPLAY_DOCS + ")");
        };
    }

    /** An accepted Binding Update: its association is the one a Home Agent Switch to the node will use. */
    private Verdict accepted(Identity who, long spi, Exchange reply) {
        Long known = latestSpi.get(who.value());
        if (known == null || known != spi) { // unchanged for every refresh: no Long boxed for it
            latestSpi.put(who.value(), spi);
        }
        return Verdict.accept(who, reply);
    }

    // ------------------------------------------------------------------ Home Agent Switch

    /**
     * The protected octets of a Home Agent Switch to the node bound at {@code to}'s home address
     * (the routing header's, or the destination when the node is at home), authenticated over
     * the binding's care-of address ({@code to}'s destination) and home address.
     *
     * @throws SecurityProviderException when no bound node with a known association owns the home
     *         address (nothing is sent)
     */
    private byte[] protectSwitch(org.mip6kit.wire.HomeAgentSwitch message, Addressing to) {
        org.mip6kit.wire.Ipv6Address hoa = to.routingHeader().orElse(to.destination());
        String owner = owners.get(hoa);
        SecurityAssociation sa = owner == null ? null : signingAssociation(owner);
        if (sa == null) {
            throw new SecurityProviderException("cannot protect a Home Agent Switch to " + hoa + ": "
                    + (owner == null ? "no binding of this home agent's provider names its owner (a binding restored "
                    + "after a restart is known again from its next refresh)"
                    : "no MN-HA security association of " + owner + " is configured any more")
                    + "; nothing is sent (see docs/providers/auth-option-4285.md#home-agent-switch)");
        }
        return Protection.protect(context.codec(), message, null, nextSwitchTimestamp(), sa,
                new AuthenticatedAddresses(to.destination(), hoa), to);
    }

    /** The association of {@code nai}'s latest accepted Binding Update, else its last one in the key table. */
    private SecurityAssociation signingAssociation(String nai) {
        Long spi = latestSpi.get(nai);
        Keys keys = current;
        if (spi != null) {
            int row = keys.table().row(spi);
            if (row != KeyTable.NONE && keys.table().association(row).nai().equals(nai)) {
                return keys.table().association(row);
            }
            Learned l = learned(spi);
            if (l != null && l.association().nai().equals(nai)) {
                return l.association();
            }
        }
        int[] rows = keys.table().rowsOf(nai);
        return rows.length == 0 ? null : keys.table().association(rows[rows.length - 1]);
    }

    private synchronized long nextSwitchTimestamp() {
        long t = NtpTimestamp.of(context.clock().instant());
        if (Long.compareUnsigned(t, lastSwitchTimestamp) <= 0) {
            t = lastSwitchTimestamp + 1;
        }
        lastSwitchTimestamp = t;
        return t;
    }

    /**
     * Records a timestamp a reload overtook: the verification began with the old key table, whose
     * replay memory has since been handed to the new one. Waits for the reload to publish (it
     * holds {@link #swap} until then; a handover is a copy, milliseconds even for a large table),
     * then records in the table now current. An SPI the reload removed needs no memory: no
     * Binding Update under it is accepted any more.
     */
    private ReplayMemory.Outcome recordAfterReload(long spi, long ts, Instant now) {
        while (true) {
            swap.lock();
            swap.unlock();
            Keys keys = current;
            int row = keys.table().row(spi);
            if (row == KeyTable.NONE) {
                return ReplayMemory.Outcome.FIRST_SEEN;
            }
            ReplayMemory.Outcome outcome = keys.replay().record(row, ts, now);
            if (outcome != ReplayMemory.Outcome.MOVED) {
                return outcome;
            }
        }
    }

    // ------------------------------------------------------------------ reload

    /**
     * Replaces the key table with the one {@code config} describes, all or nothing (see
     * {@link HomeAgentSecurity#reload}). The new table is read and checked in full first; then,
     * under {@link #swap}, the replay memory of every SPI kept is handed over to the new table's
     * and the new table is published. Verifications under way finish with the table they
     * started with. {@code replay-window}, {@code require-replay-protection} and {@code mn-aaa}
     * cannot change while the home agent runs: a section that changes them is refused.
     */
    @Override
    public ReloadOutcome reload(ConfigSection config) throws ProviderConfigException {
        KeyTable table = AuthOption4285Provider.readHomeAgentKeys(config, aaa != null);
        unchanged(config, "replay-window", window, config.duration("replay-window",
                AuthOption4285Provider.MIN_REPLAY_WINDOW, AuthOption4285Provider.MAX_REPLAY_WINDOW,
                AuthOption4285Provider.DEFAULT_REPLAY_WINDOW));
        unchanged(config, "require-replay-protection", requireReplayProtection,
                config.bool("require-replay-protection", true));
        unchanged(config, "mn-aaa", aaa != null, config.bool("mn-aaa", false));
        if (closed) {
            throw new IllegalStateException("auth-option-4285 is closed; nothing was reloaded");
        }
        swap.lock();
        try {
            Keys old = current;
            ReplayMemory memory = new ReplayMemory(table.size(), window);
            old.replay().moveTo(memory, r -> table.row(old.table().spi(r)));
            current = new Keys(table, memory);
            return ReloadOutcome.reloaded(KeyTable.describeChange(old.table(), table));
        } finally {
            swap.unlock();
        }
    }

    private static void unchanged(ConfigSection config, String key, Object running, Object wanted)
            throws ProviderConfigException {
        if (!running.equals(wanted)) {
            throw config.error(key, "cannot change while the home agent runs (it runs with " + describe(running)
                    + ", the file now says " + describe(wanted) + "); only the key table is reloaded. Nothing was "
                    + "reloaded: restore the setting, or restart the home agent to apply it");
        }
    }

    private static String describe(Object setting) {
        return setting instanceof Duration d ? d.toMillis() + " ms" : String.valueOf(setting);
    }

    private Verdict judgeMnAaa(MobileNodeIdentifier id, MobilityMessageAuthentication auth,
                               AuthenticatedAddresses addresses, MobilityMessageReplayProtection stamp) {
        if (aaa == null) {
            return Verdict.drop("MN-AAA authentication is not enabled on this home agent (mn-aaa)");
        }
        AaaOutcome outcome = aaaAnswers.remove(aaaKey(auth));
        if (outcome == null) {
            return Verdict.drop("MN-AAA Binding Update without an answer from the AAA server");
        }
        if (outcome.failure() != null) {
            return Verdict.drop("the AAA server could not be asked: " + outcome.failure().getClass().getSimpleName());
        }
        AaaClient.Answer answer = outcome.answer();
        if (answer == null || !answer.authenticated()) {
            return Verdict.drop("the AAA server refused the MN-AAA authenticator of " + outcome.request().nai()
                    + "; there is no MN-HA key to protect an answer");
        }
        if (id == null || !id.isNai() || !id.nai().equals(outcome.request().nai())) {
            return Verdict.drop("the MN-ID option does not name the NAI the AAA server authenticated");
        }
        Learned l;
        try {
            l = install(outcome.request().nai(), answer);
        } catch (IllegalArgumentException e) {
            return Verdict.drop("the AAA server's MN-HA association is unusable: " + e.getMessage());
        }
        SecurityAssociation sa = l.association();
        Exchange reply = new Exchange(sa, addresses, stamp, false);
        return checkReplay(sa.identity(), l.replay(), 0, sa.spi(), stamp, reply);
    }

    /**
     * Installs the MN-HA association the AAA server distributed. When it distributes the same SPI
     * for the same NAI again, the replay memory carries over.
     */
    private Learned install(String nai, AaaClient.Answer answer) {
        long spi = answer.mnHaSpi();
        if (spi < MobilityMessageAuthentication.FIRST_UNRESERVED_SPI || spi > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("SPI " + spi + " is reserved or out of range");
        }
        if (current.table().row(spi) != KeyTable.NONE) {
            throw new IllegalArgumentException("SPI " + spi + " is already in the key table");
        }
        byte[] key = answer.mnHaKey();
        SecurityAssociation sa;
        try {
            sa = new SecurityAssociation(nai, spi, Algorithm.HMAC_SHA1, key);
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
        Learned previous = learned.get(spi);
        if (previous != null && !previous.association().nai().equals(nai)) {
            throw new IllegalArgumentException("SPI " + spi + " belongs to " + previous.association().nai());
        }
        ReplayMemory memory = previous != null ? previous.replay() : new ReplayMemory(1, window);
        Learned entry = new Learned(sa, context.clock().instant().plus(answer.lifetime()), memory);
        learned.put(spi, entry);
        context.scheduler().schedule(answer.lifetime(), () -> retire(spi, entry));
        context.events().emit(new ProviderEvent("mn-ha-key-installed", Optional.of(sa.identity()), Optional.empty(),
                "the AAA server distributed MN-HA SPI " + spi + " for " + answer.lifetime()));
        return entry;
    }

    /**
     * Forgets an AAA-distributed association once its lifetime is over and its replay memory has
     * left the window, so a replayed MN-AAA Binding Update cannot come back with fresh memory.
     */
    private void retire(long spi, Learned entry) {
        if (closed || learned.get(spi) != entry) {
            return;
        }
        if (entry.replay().size(context.clock().instant()) == 0) {
            learned.remove(spi, entry);
        } else {
            context.scheduler().schedule(window, () -> retire(spi, entry));
        }
    }

    /** The AAA-distributed association with {@code spi}, while its lifetime lasts. */
    private Learned learned(long spi) {
        Learned l = learned.get(spi);
        return l != null && context.clock().instant().isBefore(l.until()) ? l : null;
    }

    private static ByteBuffer aaaKey(MobilityMessageAuthentication auth) {
        return ByteBuffer.wrap(auth.authenticator());
    }

    // ------------------------------------------------------------------ the MN-AAA hold

    /** Whether {@code in} carries an MN-AAA option as its last option (a cheap look at the octets). */
    private static boolean carriesMnAaa(Inbound in) {
        byte[] mh = in.octets();
        int at = AuthenticatorLocation.find(mh);
        return at >= 0 && (mh[at + 2] & 0xFF) == MobilityMessageAuthentication.SUBTYPE_MN_AAA;
    }

    private void askAaa(Inbound in, Consumer<Inbound> receiver) {
        byte[] mh = in.octets();
        Addressing a = in.addressing();
        MobilityMessage m;
        try {
            m = context.codec().decode(mh, a.pseudoHeaderSource(), a.pseudoHeaderDestination());
        } catch (MobilityHeaderFormatException e) {
            receiver.accept(in); // the engine reports the format error
            return;
        }
        Optional<MobileNodeIdentifier> id = m.option(MobileNodeIdentifier.class);
        Optional<MobilityMessageAuthentication> auth = m.option(MobilityMessageAuthentication.class);
        if (!(m instanceof BindingUpdate) || id.isEmpty() || !id.get().isNai() || auth.isEmpty()) {
            receiver.accept(in); // verify refuses it
            return;
        }
        ByteBuffer key = aaaKey(auth.get());
        if (aaaPending.size() >= MAX_PENDING_AAA || aaaPending.putIfAbsent(key, Boolean.TRUE) != null) {
            context.events().emit(new ProviderEvent("aaa-busy", Optional.empty(), Optional.empty(),
                    "an MN-AAA Binding Update was dropped: " + aaaPending.size() + " are already waiting for the AAA server"));
            return;
        }
        AuthenticatedAddresses addresses = AuthenticatedAddresses.forBindingUpdate(m, a);
        AaaClient.Request request = new AaaClient.Request(id.get().nai(), auth.get().spi(),
                MnAaaAuthenticator.macMobilityData(addresses, mh, AuthenticatorLocation.find(mh)),
                auth.get().authenticator(), addresses.homeAddress(), addresses.careOf());
        CompletionStage<AaaClient.Answer> stage;
        try {
            stage = aaa.authenticate(request);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((answer, failure) -> {
            aaaPending.remove(key);
            if (closed) {
                return;
            }
            AaaOutcome outcome = new AaaOutcome(request, answer, failure);
            aaaAnswers.put(key, outcome);
            context.scheduler().schedule(AAA_ANSWER_HOLD, () -> aaaAnswers.remove(key, outcome));
            receiver.accept(in);
        });
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
            if (aaa == null) {
                t.start(receiver);
            } else {
                t.start(in -> {
                    if (carriesMnAaa(in)) {
                        askAaa(in, receiver);
                    } else {
                        receiver.accept(in);
                    }
                });
            }
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
            try {
                if (message instanceof BindingError && reply.isEmpty()) {
                    // RFC 4285 protects Binding Updates and Acknowledgements only; a Binding Error
                    // (RFC 6275 §9.3.3) goes out as it is, and a mobile node never acts on it unverified.
                    return t.send(context.codec().encode(message, to.pseudoHeaderSource(),
                            to.pseudoHeaderDestination()), to);
                }
                if (message instanceof org.mip6kit.wire.HomeAgentSwitch has && reply.isEmpty()) {
                    return t.send(protectSwitch(has, to), to);
                }
                if (!(message instanceof BindingAcknowledgement)) {
                    throw new SecurityProviderException("auth-option-4285 on a home agent sends Binding "
                            + "Acknowledgements, Binding Errors and Home Agent Switch messages, not " + message.type());
                }
                if (reply.isEmpty() || !(reply.get() instanceof Exchange ex)) {
                    throw new SecurityProviderException("cannot authenticate a Binding Acknowledgement without the "
                            + "security association of the Binding Update it answers; nothing is sent");
                }
                MobilityMessageReplayProtection stamp = ex.echoed();
                if (ex.sendOwnTime()) {
                    Instant now = context.clock().instant();
                    stamp = new MobilityMessageReplayProtection(ex.echoed() != null
                            ? NtpTimestamp.resynchronisation(now, ex.echoed().timestamp()) : NtpTimestamp.of(now));
                }
                byte[] mh = Protection.protectStamped(context.codec(), message, null, stamp, ex.association(),
                        ex.addresses(), to);
                return t.send(mh, to);
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
