package org.mip6kit.provider.ipsec.kernel;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.mip6kit.provider.ipsec.xfrm.XfrmException;
import org.mip6kit.provider.ipsec.xfrm.XfrmMessages;
import org.mip6kit.provider.ipsec.xfrm.XfrmNetlinkSocket;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserKmaddress;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserMigrate;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserPolicyId;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserPolicyInfo;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserTmpl;

/** {@link XfrmChannel} over a real NETLINK_XFRM socket: one line per request. */
final class NetlinkXfrmChannel implements XfrmChannel {
    private final XfrmNetlinkSocket socket;

    NetlinkXfrmChannel(XfrmNetlinkSocket socket) {
        this.socket = Objects.requireNonNull(socket, "socket");
    }

    @Override
    public void addPolicy(XfrmUserPolicyInfo info, List<XfrmUserTmpl> templates, int policyType, boolean update,
            Duration timeout) throws XfrmException {
        socket.addPolicy(info, templates, policyType, update, timeout);
    }

    @Override
    public XfrmMessages.Policy getPolicy(XfrmUserPolicyId id, int policyType, Duration timeout) throws XfrmException {
        return socket.getPolicy(id, policyType, timeout);
    }

    @Override
    public void deletePolicy(XfrmUserPolicyId id, int policyType, Duration timeout) throws XfrmException {
        socket.deletePolicy(id, policyType, timeout);
    }

    @Override
    public void migrate(XfrmUserPolicyId id, List<XfrmUserMigrate> moves, XfrmUserKmaddress kmaddress, int policyType,
            Duration timeout) throws XfrmException {
        socket.migrate(id, moves, kmaddress, policyType, timeout);
    }
}
