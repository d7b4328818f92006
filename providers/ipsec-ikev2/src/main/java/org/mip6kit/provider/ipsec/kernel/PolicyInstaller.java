package org.mip6kit.provider.ipsec.kernel;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.mip6kit.provider.ipsec.xfrm.XfrmException;
import org.mip6kit.provider.ipsec.xfrm.XfrmMessages;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserKmaddress;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserMigrate;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserTmpl;

/**
 * Installs, removes and moves the XFRM policies of a {@link MobilityPolicySet} through an
 * {@link XfrmChannel}. Stateless apart from the channel: what is installed is what the caller's
 * set says, so a daemon keeps its sets (one per binding) and hands them back here.
 *
 * <p>Threading: methods may be called from several threads when the channel allows it
 * ({@link org.mip6kit.provider.ipsec.xfrm.XfrmNetlinkSocket} serialises requests); two calls on
 * the same set at once are the caller's race.
 */
public final class PolicyInstaller {
    private static final int ENOENT = 2;

    private final XfrmChannel channel;
    private final Duration timeout;

    /**
     * @param channel where requests go
     * @param timeout how long each request may wait for the kernel's answer
     */
    public PolicyInstaller(XfrmChannel channel, Duration timeout) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
    }

    /**
     * Installs every policy of {@code set} with UPDPOLICY, in {@link MobilityPolicySet#policies()}
     * order. Idempotent: installing the same set again replaces each policy by itself, and a
     * policy with the same selector, direction and type that was there before is replaced.
     *
     * <p>All or nothing: when the kernel refuses one policy, the policies this call already wrote
     * are deleted again (including any it had replaced: the old version is gone either way), and
     * an {@link XfrmException} is thrown whose operation names the refused policy
     * ({@link MobilityPolicy#describe()}) and whose errno is the kernel's. A failure while
     * rolling back is attached as a suppressed exception.
     *
     * @throws XfrmException the first refusal, after the roll-back
     */
    public void install(MobilityPolicySet set) throws XfrmException {
        List<MobilityPolicy> written = new ArrayList<>();
        for (MobilityPolicy p : set.policies()) {
            try {
                channel.addPolicy(p.info(), p.templates(), p.policyType(), true, timeout);
            } catch (XfrmException e) {
                XfrmException failure = named("UPDPOLICY " + p.describe(), e);
                for (int i = written.size() - 1; i >= 0; i--) {
                    MobilityPolicy w = written.get(i);
                    try {
                        channel.deletePolicy(w.id(), w.policyType(), timeout);
                    } catch (XfrmException r) {
                        if (r.errno() != ENOENT) failure.addSuppressed(named("roll-back DELPOLICY " + w.describe(), r));
                    }
                }
                throw failure;
            }
            written.add(p);
        }
    }

    /**
     * Deletes every policy of {@code set}; a policy the kernel does not have (ENOENT) is skipped.
     * Any other refusal does not stop the others from being deleted; the first is thrown at the
     * end (naming its policy), later ones suppressed.
     *
     * @return the policies that were there and are now deleted, in set order
     * @throws XfrmException the first refusal other than ENOENT
     */
    public List<MobilityPolicy> remove(MobilityPolicySet set) throws XfrmException {
        List<MobilityPolicy> removed = new ArrayList<>();
        XfrmException failure = null;
        for (MobilityPolicy p : set.policies()) {
            try {
                channel.deletePolicy(p.id(), p.policyType(), timeout);
                removed.add(p);
            } catch (XfrmException e) {
                if (e.errno() == ENOENT) continue;
                XfrmException named = named("DELPOLICY " + p.describe(), e);
                if (failure == null) failure = named; else failure.addSuppressed(named);
            }
        }
        if (failure != null) throw failure;
        return List.copyOf(removed);
    }

    /**
     * What the kernel holds for each policy of {@code set} (GETPOLICY); a policy it does not
     * have is left out.
     *
     * @throws XfrmException a refusal other than ENOENT
     */
    public List<XfrmMessages.Policy> read(MobilityPolicySet set) throws XfrmException {
        List<XfrmMessages.Policy> found = new ArrayList<>();
        for (MobilityPolicy p : set.policies()) {
            try {
                found.add(channel.getPolicy(p.id(), p.policyType(), timeout));
            } catch (XfrmException e) {
                if (e.errno() != ENOENT) throw named("GETPOLICY " + p.describe(), e);
            }
        }
        return List.copyOf(found);
    }

    /**
     * Moves the payload tunnel of {@code set} to {@code newCareOf}: one MIGRATE per tunnel-mode
     * policy, each template's care-of end replaced (the home agent's end, the reqid, protocol and
     * mode kept), with {@code kmaddress} attached so that the IKEv2 daemon moves its IKE SA too
     * (charon moves the IKE SA on a kernel MIGRATE only when XFRMA_KMADDRESS is present; this is
     * the path of the K flag, RFC 6275 §6.1.7). Give the key manager's endpoints after the
     * move: on the mobile node {@code (newCareOf, home agent)}, on the home agent
     * {@code (home agent, newCareOf)} (or the IKE addresses, where they differ).
     *
     * <p>The transport-mode BU/BA/BE and prefix discovery policies are not migrated: their selectors
     * and templates name the home address and the home agent, never the care-of address, which
     * the Home Address option and the type 2 routing header carry outside ESP (RFC 3776 §3.1,
     * kept by RFC 4877 §4: the SAs for BU/BA are bound to the home address, so a movement
     * does not touch them). Linux agrees: a MIGRATE of a transport-mode template is acknowledged
     * but leaves its addresses as they were.
     *
     * <p>On a refusal, the policies already moved are moved back (without KMADDRESS, best effort;
     * failures suppressed) and an {@link XfrmException} naming the refused policy is thrown. The
     * daemon may already have seen the KMADDRESS of the earlier moves.
     *
     * @param kmaddress the key manager's new endpoints; null sends no KMADDRESS (charon then leaves
     *        its IKE SA where it was)
     * @return {@code set} with its care-of address replaced (equal to {@code set} when unchanged)
     * @throws IllegalArgumentException when the set has no payload tunnel (no care-of address)
     *         or {@code newCareOf} is not IPv6
     * @throws XfrmException the kernel refused a MIGRATE
     */
    public MobilityPolicySet migrate(MobilityPolicySet set, InetAddress newCareOf, XfrmUserKmaddress kmaddress)
            throws XfrmException {
        InetAddress oldCareOf = set.careOf().orElseThrow(() -> new IllegalArgumentException(
                "the set has no tunnel-mode policies: nothing names the care-of address, so there is nothing to migrate"));
        MobilityPolicySet moved = set.withCareOf(newCareOf);
        if (oldCareOf.equals(newCareOf)) return set;
        List<MobilityPolicy> done = new ArrayList<>();
        for (MobilityPolicy p : set.tunnelPolicies()) {
            try {
                channel.migrate(p.id(), moves(p, oldCareOf, newCareOf), kmaddress, p.policyType(), timeout);
            } catch (XfrmException e) {
                XfrmException failure = named("MIGRATE " + p.describe() + " to care-of " + newCareOf.getHostAddress(), e);
                for (int i = done.size() - 1; i >= 0; i--) {
                    MobilityPolicy d = done.get(i);
                    try {
                        channel.migrate(d.id(), moves(d, newCareOf, oldCareOf), null, d.policyType(), timeout);
                    } catch (XfrmException r) {
                        failure.addSuppressed(named("roll-back MIGRATE " + d.describe(), r));
                    }
                }
                throw failure;
            }
            done.add(p);
        }
        return moved;
    }

    /** One xfrm_user_migrate per tunnel template of {@code p}: {@code from} replaced by {@code to} at either end. */
    static List<XfrmUserMigrate> moves(MobilityPolicy p, InetAddress from, InetAddress to) {
        List<XfrmUserMigrate> moves = new ArrayList<>();
        for (XfrmUserTmpl t : p.templates()) {
            if (t.mode() != XfrmUserTmpl.MODE_TUNNEL) continue;
            InetAddress newDaddr = t.daddr().equals(from) ? to : t.daddr();
            InetAddress newSaddr = t.saddr().equals(from) ? to : t.saddr();
            moves.add(new XfrmUserMigrate(t.daddr(), t.saddr(), newDaddr, newSaddr, t.proto(), t.mode(), t.reqid(),
                    t.family(), t.family()));
        }
        return moves;
    }

    private static XfrmException named(String operation, XfrmException cause) {
        XfrmException e = new XfrmException(operation, cause.errno());
        e.initCause(cause);
        return e;
    }
}
