package org.mip6kit.provider.ipsec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.mip6kit.provider.ipsec.kernel.KernelEspCheck;
import org.mip6kit.provider.ipsec.kernel.XfrmChannel;
import org.mip6kit.provider.ipsec.xfrm.XfrmException;
import org.mip6kit.provider.ipsec.xfrm.XfrmMessages;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserKmaddress;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserMigrate;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserPolicyId;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserPolicyInfo;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserTmpl;

/**
 * A kernel for mode kernel's tests: a probe verdict chosen by the test (ESP present by default)
 * and, for each {@link #open()}, an in-memory SPD ({@link Spd}) that records every request and
 * refuses the ones a test picks. Counts probes and opens, so a test can tell the factory did neither.
 */
final class FakeKernel implements KernelAccess {

    private volatile KernelEspCheck.Verdict verdict = new KernelEspCheck.Verdict(true, 0, List.of(),
            "ESP transport states are supported (fake kernel)");
    final List<Spd> opened = new ArrayList<>();
    /** Told of every SPD this kernel opens, in order. */
    volatile java.util.function.Consumer<Spd> onOpen = s -> { };
    int probes;

    /** The probe answers as a kernel without ESP and MIPv6 route optimisation does. */
    FakeKernel withoutEsp() {
        verdict = new KernelEspCheck.Verdict(false, 93, List.of("CONFIG_INET6_ESP", "CONFIG_IPV6_MIP6"),
                "kernel mode unavailable: no ESP (fake). Missing kernel options: CONFIG_INET6_ESP, CONFIG_IPV6_MIP6 "
                        + "(EPROTONOSUPPORT, errno 93). See " + KernelEspCheck.DOCS + ".");
        return this;
    }

    @Override
    public synchronized KernelEspCheck.Verdict check() {
        probes++;
        return verdict;
    }

    @Override
    public synchronized XfrmChannel open() {
        Spd s = new Spd();
        opened.add(s);
        onOpen.accept(s);
        return s;
    }

    synchronized List<Spd> spds() {
        return List.copyOf(opened);
    }

    /** One request as the SPD saw it. */
    record Call(String op, XfrmUserPolicyId id, XfrmUserPolicyInfo info, List<XfrmUserTmpl> templates,
                List<XfrmUserMigrate> moves, XfrmUserKmaddress kmaddress) {}

    /** The policies keyed by (type, selector, direction), as the kernel keys them. */
    static final class Spd implements XfrmChannel {
        private record Key(int type, XfrmUserPolicyId id) {}

        private final List<Call> calls = new ArrayList<>();
        private final Map<Key, XfrmMessages.Policy> policies = new LinkedHashMap<>();
        private Predicate<Call> refuse = c -> false;
        private int errno;

        /** From now on, requests matching {@code which} fail with {@code errno} (and change nothing). */
        synchronized void refuse(Predicate<Call> which, int errno) {
            this.refuse = which;
            this.errno = errno;
        }

        synchronized List<XfrmMessages.Policy> policies() {
            return List.copyOf(policies.values());
        }

        synchronized List<Call> calls() {
            return List.copyOf(calls);
        }

        private void record(Call c) throws XfrmException {
            calls.add(c);
            if (refuse.test(c)) {
                throw new XfrmException(c.op(), errno);
            }
        }

        @Override
        public synchronized void addPolicy(XfrmUserPolicyInfo info, List<XfrmUserTmpl> templates, int policyType,
                boolean update, Duration timeout) throws XfrmException {
            record(new Call(update ? "UPDPOLICY" : "NEWPOLICY", null, info, templates, null, null));
            Key k = new Key(policyType, new XfrmUserPolicyId(info.selector(), 0, info.dir()));
            if (!update && policies.containsKey(k)) {
                throw new XfrmException("NEWPOLICY", 17);
            }
            policies.put(k, new XfrmMessages.Policy(info, templates, policyType));
        }

        @Override
        public synchronized XfrmMessages.Policy getPolicy(XfrmUserPolicyId id, int policyType, Duration timeout)
                throws XfrmException {
            record(new Call("GETPOLICY", id, null, null, null, null));
            XfrmMessages.Policy p = policies.get(new Key(policyType, id));
            if (p == null) {
                throw new XfrmException("GETPOLICY", 2);
            }
            return p;
        }

        @Override
        public synchronized void deletePolicy(XfrmUserPolicyId id, int policyType, Duration timeout)
                throws XfrmException {
            record(new Call("DELPOLICY", id, null, null, null, null));
            if (policies.remove(new Key(policyType, id)) == null) {
                throw new XfrmException("DELPOLICY", 2);
            }
        }

        @Override
        public synchronized void migrate(XfrmUserPolicyId id, List<XfrmUserMigrate> moves, XfrmUserKmaddress kmaddress,
                int policyType, Duration timeout) throws XfrmException {
            record(new Call("MIGRATE", id, null, null, moves, kmaddress));
            Key k = new Key(policyType, id);
            XfrmMessages.Policy p = policies.get(k);
            if (p == null) {
                throw new XfrmException("MIGRATE", 2);
            }
            List<XfrmUserTmpl> moved = new ArrayList<>();
            for (XfrmUserTmpl t : p.templates()) {
                XfrmUserTmpl n = t;
                for (XfrmUserMigrate m : moves) {
                    if (t.mode() == XfrmUserTmpl.MODE_TUNNEL && m.oldDaddr().equals(t.daddr())
                            && m.oldSaddr().equals(t.saddr()) && m.reqid() == t.reqid()) {
                        n = new XfrmUserTmpl(m.newDaddr(), t.spi(), t.proto(), t.family(), m.newSaddr(), t.reqid(),
                                t.mode(), t.share(), t.optional(), t.aalgos(), t.ealgos(), t.calgos());
                    }
                }
                moved.add(n);
            }
            policies.put(k, new XfrmMessages.Policy(p.info(), moved, policyType));
        }
    }
}
