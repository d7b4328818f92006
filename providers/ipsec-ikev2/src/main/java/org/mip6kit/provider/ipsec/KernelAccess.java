package org.mip6kit.provider.ipsec;

import java.time.Duration;
import java.util.List;

import org.mip6kit.provider.ipsec.kernel.KernelEspCheck;
import org.mip6kit.provider.ipsec.kernel.XfrmChannel;
import org.mip6kit.provider.ipsec.xfrm.XfrmException;
import org.mip6kit.provider.ipsec.xfrm.XfrmMessages;
import org.mip6kit.provider.ipsec.xfrm.XfrmNetlinkSocket;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserKmaddress;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserMigrate;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserPolicyId;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserPolicyInfo;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserTmpl;

/**
 * Mode {@code kernel}'s seam to the kernel: the start-up probe and the XFRM channel the policy
 * sets go through. {@link #REAL} probes with {@link KernelEspCheck} and opens a NETLINK_XFRM
 * socket (root, jnr-ffi); tests give an in-memory SPD. Neither method runs before a path starts
 * or a bootstrap runs.
 */
interface KernelAccess {

    /** Whether this kernel can hold the ESP and route optimisation states mode kernel needs. */
    KernelEspCheck.Verdict check();

    /**
     * A channel to the SPD; when it is also {@link AutoCloseable}, the caller closes it when the
     * instance closes.
     *
     * @throws XfrmException the socket could not be opened
     */
    XfrmChannel open() throws XfrmException;

    /** The host's kernel, in the caller's network namespace. */
    KernelAccess REAL = new KernelAccess() {
        @Override
        public KernelEspCheck.Verdict check() {
            return KernelEspCheck.check(null, Duration.ofSeconds(2));
        }

        @Override
        public XfrmChannel open() throws XfrmException {
            return new Closing(XfrmNetlinkSocket.open(null));
        }

        @Override
        public String toString() {
            return "the kernel's XFRM";
        }
    };

    /** A channel over a socket it owns, closed with it. */
    final class Closing implements XfrmChannel, AutoCloseable {
        private final XfrmNetlinkSocket socket;
        private final XfrmChannel channel;

        Closing(XfrmNetlinkSocket socket) {
            this.socket = socket;
            this.channel = XfrmChannel.of(socket);
        }

        @Override
        public void addPolicy(XfrmUserPolicyInfo info, List<XfrmUserTmpl> templates, int policyType, boolean update,
                Duration timeout) throws XfrmException {
            channel.addPolicy(info, templates, policyType, update, timeout);
        }

        @Override
        public XfrmMessages.Policy getPolicy(XfrmUserPolicyId id, int policyType, Duration timeout)
                throws XfrmException {
            return channel.getPolicy(id, policyType, timeout);
        }

        @Override
        public void deletePolicy(XfrmUserPolicyId id, int policyType, Duration timeout) throws XfrmException {
            channel.deletePolicy(id, policyType, timeout);
        }

        @Override
        public void migrate(XfrmUserPolicyId id, List<XfrmUserMigrate> moves, XfrmUserKmaddress kmaddress,
                int policyType, Duration timeout) throws XfrmException {
            channel.migrate(id, moves, kmaddress, policyType, timeout);
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
