package org.mip6kit.provider.ipsec.kernel;

import java.time.Duration;
import java.util.List;

import org.mip6kit.provider.ipsec.xfrm.XfrmException;
import org.mip6kit.provider.ipsec.xfrm.XfrmMessages;
import org.mip6kit.provider.ipsec.xfrm.XfrmNetlinkSocket;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserKmaddress;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserMigrate;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserPolicyId;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserPolicyInfo;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserTmpl;

/**
 * The four XFRM policy requests {@link PolicyInstaller} needs, as {@link XfrmNetlinkSocket}
 * offers them; {@link #of(XfrmNetlinkSocket)} adapts a real socket, and a test can record the
 * requests instead.
 *
 * <p>Every method sends one request and waits for the kernel's answer; a refusal is an
 * {@link XfrmException} carrying the kernel's errno (ENOENT for an unknown policy, EEXIST for a
 * duplicate NEWPOLICY, ETIMEDOUT when no answer came within {@code timeout}). Whether calls may
 * overlap is the implementation's business; {@link XfrmNetlinkSocket} serialises them.
 */
public interface XfrmChannel {

    /** NEWPOLICY, or UPDPOLICY when {@code update} (replaces a policy with the same selector and direction). */
    void addPolicy(XfrmUserPolicyInfo info, List<XfrmUserTmpl> templates, int policyType, boolean update,
            Duration timeout) throws XfrmException;

    /** GETPOLICY by selector and direction (or index); ENOENT if the kernel has none. */
    XfrmMessages.Policy getPolicy(XfrmUserPolicyId id, int policyType, Duration timeout) throws XfrmException;

    /** DELPOLICY; ENOENT if the kernel has none. */
    void deletePolicy(XfrmUserPolicyId id, int policyType, Duration timeout) throws XfrmException;

    /**
     * MIGRATE the templates of policy {@code id} as {@code moves} say; {@code kmaddress} (may be
     * null) tells the key manager its new endpoints.
     */
    void migrate(XfrmUserPolicyId id, List<XfrmUserMigrate> moves, XfrmUserKmaddress kmaddress, int policyType,
            Duration timeout) throws XfrmException;

    /** A channel over {@code socket}; closing the socket stays the caller's job. */
    static XfrmChannel of(XfrmNetlinkSocket socket) {
        return new NetlinkXfrmChannel(socket);
    }
}
