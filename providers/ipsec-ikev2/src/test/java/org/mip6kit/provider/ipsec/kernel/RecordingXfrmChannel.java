package org.mip6kit.provider.ipsec.kernel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.mip6kit.provider.ipsec.xfrm.XfrmException;
import org.mip6kit.provider.ipsec.xfrm.XfrmMessages;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserKmaddress;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserMigrate;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserPolicyId;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserPolicyInfo;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserTmpl;

/**
 * A fake kernel SPD: records every request, keeps policies keyed by (type, selector, dir) as the
 * kernel does, and refuses the requests a test chooses with the errno it chooses.
 */
final class RecordingXfrmChannel implements XfrmChannel {
    record Call(String op, XfrmUserPolicyId id, XfrmUserPolicyInfo info, List<XfrmUserTmpl> templates,
            List<XfrmUserMigrate> moves, XfrmUserKmaddress kmaddress, int policyType, boolean update) {}

    private record Key(int type, XfrmUserPolicyId id) {}

    final List<Call> calls = new ArrayList<>();
    final Map<Key, XfrmMessages.Policy> spd = new HashMap<>();
    private Predicate<Call> refuse = c -> false;
    private int refusal;

    void refuse(Predicate<Call> which, int errno) {
        this.refuse = which;
        this.refusal = errno;
    }

    private void check(Call c) throws XfrmException {
        calls.add(c);
        if (refuse.test(c)) throw new XfrmException(c.op(), refusal);
    }

    @Override
    public void addPolicy(XfrmUserPolicyInfo info, List<XfrmUserTmpl> templates, int policyType, boolean update,
            Duration timeout) throws XfrmException {
        check(new Call(update ? "UPDPOLICY" : "NEWPOLICY", null, info, templates, null, null, policyType, update));
        Key k = new Key(policyType, new XfrmUserPolicyId(info.selector(), 0, info.dir()));
        if (!update && spd.containsKey(k)) throw new XfrmException("NEWPOLICY", 17);
        spd.put(k, new XfrmMessages.Policy(info, templates, policyType));
    }

    @Override
    public XfrmMessages.Policy getPolicy(XfrmUserPolicyId id, int policyType, Duration timeout) throws XfrmException {
        check(new Call("GETPOLICY", id, null, null, null, null, policyType, false));
        XfrmMessages.Policy p = spd.get(new Key(policyType, id));
        if (p == null) throw new XfrmException("GETPOLICY", 2);
        return p;
    }

    @Override
    public void deletePolicy(XfrmUserPolicyId id, int policyType, Duration timeout) throws XfrmException {
        check(new Call("DELPOLICY", id, null, null, null, null, policyType, false));
        if (spd.remove(new Key(policyType, id)) == null) throw new XfrmException("DELPOLICY", 2);
    }

    @Override
    public void migrate(XfrmUserPolicyId id, List<XfrmUserMigrate> moves, XfrmUserKmaddress kmaddress, int policyType,
            Duration timeout) throws XfrmException {
        check(new Call("MIGRATE", id, null, null, moves, kmaddress, policyType, false));
        Key k = new Key(policyType, id);
        XfrmMessages.Policy p = spd.get(k);
        if (p == null) throw new XfrmException("MIGRATE", 2);
        List<XfrmUserTmpl> moved = new ArrayList<>();
        for (XfrmUserTmpl t : p.templates()) {
            XfrmUserTmpl n = t;
            for (XfrmUserMigrate m : moves) {
                if (t.mode() == XfrmUserTmpl.MODE_TUNNEL && m.oldDaddr().equals(t.daddr()) && m.oldSaddr().equals(t.saddr())
                        && m.reqid() == t.reqid()) {
                    n = new XfrmUserTmpl(m.newDaddr(), t.spi(), t.proto(), t.family(), m.newSaddr(), t.reqid(), t.mode(),
                            t.share(), t.optional(), t.aalgos(), t.ealgos(), t.calgos());
                }
            }
            moved.add(n);
        }
        spd.put(k, new XfrmMessages.Policy(p.info(), moved, policyType));
    }

    List<String> ops() {
        return calls.stream().map(Call::op).toList();
    }
}
