package org.mip6kit.provider.ipsec.kernel;

import static org.mip6kit.provider.ipsec.xfrm.XfrmUserPolicyInfo.DIR_FWD;
import static org.mip6kit.provider.ipsec.xfrm.XfrmUserPolicyInfo.DIR_IN;
import static org.mip6kit.provider.ipsec.xfrm.XfrmUserPolicyInfo.DIR_OUT;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import org.mip6kit.provider.ipsec.xfrm.XfrmMessageTypes;
import org.mip6kit.provider.ipsec.xfrm.XfrmSelector;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserPolicyInfo;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserTmpl;

/**
 * The XFRM policies (security policy database entries) one binding between a mobile node and its
 * home agent needs when BU/BA are protected by kernel ESP SAs that an IKEv2 daemon negotiates
 * (RFC 3776 §4 and §5, as RFC 4877 §4 updates them). Immutable; built with {@link #builder}.
 *
 * <p><b>Signalling</b> (always), ESP in transport mode, selectors from home address to home agent
 * address with prefix length 128 and the Mobility Header type (RFC 4877 uses the MH type as a
 * selector; the type goes into {@code sport} with mask 0xffff and into the first octet of
 * {@code dport}, see {@link XfrmSelector#mobilityHeader}):
 * <pre>
 * role          policy  dir  selector (src -> dst)   template (ESP transport, src -> dst)
 * MOBILE_NODE   BU      out  HoA -> HA, MH type 5    HoA -> HA
 *               BA      in   HA -> HoA, MH type 6    HA -> HoA
 * HOME_AGENT    BU      in   HoA -> HA, MH type 5    HoA -> HA
 *               BA      out  HA -> HoA, MH type 6    HA -> HoA
 *               BE      out  HA -> HoA, MH type 7    HA -> HoA
 * </pre>
 * A BU reaching the home agent is delivered locally, so the home agent checks it against an
 * {@code in} policy (never {@code fwd}), whether its SA is transport or tunnel mode.
 *
 * <p><b>Mobile prefix discovery</b> (optional, RFC 3776 §5.2.3): ICMPv6 type 146 (solicitation,
 * MN out / HA in) and 147 (advertisement, MN in / HA out), transport mode, the ICMPv6 type in
 * {@code sport} with mask 0xffff and any code.
 *
 * <p><b>Payload</b> (optional, RFC 3776 §5.2.4): all traffic of the home address in tunnel mode
 * whose outer addresses are the care-of address and the home agent, so these templates are the
 * ones a care-of change moves ({@link PolicyInstaller#migrate}):
 * <pre>
 * MOBILE_NODE   payload out  HoA/128 -> ::/0   CoA -> HA
 *               payload in   ::/0 -> HoA/128   HA -> CoA
 * HOME_AGENT    payload out  ::/0 -> HoA/128   HA -> CoA   (to the MN, also what the HA forwards)
 *               payload fwd  HoA/128 -> ::/0   CoA -> HA   (from the MN, forwarded onwards)
 *               payload in   HoA/128 -> ::/0   CoA -> HA   (from the MN, to the HA itself)
 * </pre>
 * The payload selectors also match BU/BA, so payload policies get priority {@code priority + 1}:
 * the kernel prefers the lower value, and the signalling policies must win.
 *
 * <p>Every policy has index 0 (the kernel assigns one), action allow, infinite lifetime, and the
 * set's policy type (main, or sub with CONFIG_XFRM_SUB_POLICY). The templates carry the reqid the
 * IKEv2 daemon gives the CHILD_SA (pin it in its configuration), any SPI and any algorithm.
 */
public final class MobilityPolicySet {

    /** IPPROTO_ICMPV6. */
    public static final int IPPROTO_ICMPV6 = 58;
    /** The default priority of the signalling policies (payload: one more). */
    public static final int DEFAULT_PRIORITY = 1000;

    /** Which end of the binding installs the set. */
    public enum Role { MOBILE_NODE, HOME_AGENT }

    private static final InetAddress ANY;

    static {
        try {
            ANY = InetAddress.getByName("::");
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Role role;
    private final InetAddress homeAddress;
    private final InetAddress homeAgent;
    private final int signallingReqid;
    private final boolean prefixDiscovery;
    private final InetAddress careOf;
    private final int payloadReqid;
    private final int priority;
    private final int policyType;
    private final List<MobilityPolicy> policies;

    private MobilityPolicySet(Builder b) {
        this.role = b.role;
        this.homeAddress = b.homeAddress;
        this.homeAgent = b.homeAgent;
        this.signallingReqid = b.signallingReqid;
        this.prefixDiscovery = b.prefixDiscovery;
        this.careOf = b.careOf;
        this.payloadReqid = b.payloadReqid;
        this.priority = b.priority;
        this.policyType = b.policyType;
        this.policies = List.copyOf(build());
    }

    /**
     * A builder for the set of {@code role} for the binding of {@code homeAddress} at
     * {@code homeAgent}; both IPv6 and distinct.
     */
    public static Builder builder(Role role, InetAddress homeAddress, InetAddress homeAgent) {
        return new Builder(role, homeAddress, homeAgent);
    }

    private List<MobilityPolicy> build() {
        List<MobilityPolicy> out = new ArrayList<>();
        boolean mn = role == Role.MOBILE_NODE;
        out.add(mobility(MobilityPolicy.Purpose.BINDING_UPDATE, homeAgent, homeAddress, mn ? DIR_OUT : DIR_IN));
        out.add(mobility(MobilityPolicy.Purpose.BINDING_ACKNOWLEDGEMENT, homeAddress, homeAgent, mn ? DIR_IN : DIR_OUT));
        if (!mn) out.add(mobility(MobilityPolicy.Purpose.BINDING_ERROR, homeAddress, homeAgent, DIR_OUT));
        if (prefixDiscovery) {
            out.add(icmp(MobilityPolicy.Purpose.MOBILE_PREFIX_SOLICITATION, homeAgent, homeAddress, mn ? DIR_OUT : DIR_IN));
            out.add(icmp(MobilityPolicy.Purpose.MOBILE_PREFIX_ADVERTISEMENT, homeAddress, homeAgent, mn ? DIR_IN : DIR_OUT));
        }
        if (careOf != null) {
            XfrmSelector fromHome = new XfrmSelector(ANY, homeAddress, 0, 0, 0, 0, XfrmSelector.AF_INET6, 0, 128, 0, 0, 0);
            XfrmSelector toHome = new XfrmSelector(homeAddress, ANY, 0, 0, 0, 0, XfrmSelector.AF_INET6, 128, 0, 0, 0, 0);
            XfrmUserTmpl mnToHa = XfrmUserTmpl.esp(homeAgent, careOf, XfrmUserTmpl.MODE_TUNNEL, payloadReqid);
            XfrmUserTmpl haToMn = XfrmUserTmpl.esp(careOf, homeAgent, XfrmUserTmpl.MODE_TUNNEL, payloadReqid);
            if (mn) {
                out.add(payload(fromHome, DIR_OUT, mnToHa));
                out.add(payload(toHome, DIR_IN, haToMn));
            } else {
                out.add(payload(toHome, DIR_OUT, haToMn));
                out.add(payload(fromHome, DIR_FWD, mnToHa));
                out.add(payload(fromHome, DIR_IN, mnToHa));
            }
        }
        return out;
    }

    private MobilityPolicy mobility(MobilityPolicy.Purpose purpose, InetAddress destination, InetAddress source, int dir) {
        XfrmSelector selector = XfrmSelector.mobilityHeader(destination, source, purpose.messageType());
        return signalling(purpose, selector, destination, source, dir);
    }

    private MobilityPolicy icmp(MobilityPolicy.Purpose purpose, InetAddress destination, InetAddress source, int dir) {
        XfrmSelector selector = new XfrmSelector(destination, source, 0, 0, purpose.messageType(), 0xffff,
                XfrmSelector.AF_INET6, 128, 128, IPPROTO_ICMPV6, 0, 0);
        return signalling(purpose, selector, destination, source, dir);
    }

    private MobilityPolicy signalling(MobilityPolicy.Purpose purpose, XfrmSelector selector, InetAddress destination,
            InetAddress source, int dir) {
        return new MobilityPolicy(purpose,
                XfrmUserPolicyInfo.of(selector, dir, XfrmUserPolicyInfo.ACTION_ALLOW, priority),
                List.of(XfrmUserTmpl.esp(destination, source, XfrmUserTmpl.MODE_TRANSPORT, signallingReqid)),
                policyType);
    }

    private MobilityPolicy payload(XfrmSelector selector, int dir, XfrmUserTmpl template) {
        return new MobilityPolicy(MobilityPolicy.Purpose.PAYLOAD,
                XfrmUserPolicyInfo.of(selector, dir, XfrmUserPolicyInfo.ACTION_ALLOW, priority + 1),
                List.of(template), policyType);
    }

    /** The same set with the payload tunnel between {@code newCareOf} and the home agent. */
    public MobilityPolicySet withCareOf(InetAddress newCareOf) {
        if (careOf == null) throw new IllegalStateException("this set has no payload policies, so no care-of address");
        Builder b = toBuilder();
        b.payload(newCareOf, payloadReqid);
        return b.build();
    }

    /** A builder holding this set's settings. */
    public Builder toBuilder() {
        Builder b = new Builder(role, homeAddress, homeAgent).signallingReqid(signallingReqid)
                .mobilePrefixDiscovery(prefixDiscovery).priority(priority).policyType(policyType);
        if (careOf != null) b.payload(careOf, payloadReqid);
        return b;
    }

    public Role role() { return role; }

    public InetAddress homeAddress() { return homeAddress; }

    public InetAddress homeAgent() { return homeAgent; }

    /** The reqid of the transport-mode templates (the signalling CHILD_SA). */
    public int signallingReqid() { return signallingReqid; }

    public boolean mobilePrefixDiscovery() { return prefixDiscovery; }

    /** The care-of address of the payload tunnel; empty when the set has no payload policies. */
    public Optional<InetAddress> careOf() { return Optional.ofNullable(careOf); }

    /** The reqid of the tunnel-mode templates (the payload CHILD_SA); meaningful only with a care-of address. */
    public int payloadReqid() { return payloadReqid; }

    /** The signalling policies' priority; payload policies have one more. */
    public int priority() { return priority; }

    /** {@link XfrmMessageTypes#XFRM_POLICY_TYPE_MAIN} or {@link XfrmMessageTypes#XFRM_POLICY_TYPE_SUB}. */
    public int policyType() { return policyType; }

    /** Every policy, signalling first, in installation order. */
    public List<MobilityPolicy> policies() { return policies; }

    /** The tunnel-mode (payload) policies, the only ones a care-of change moves. */
    public List<MobilityPolicy> tunnelPolicies() {
        return policies.stream().filter(MobilityPolicy::tunnel).toList();
    }

    /** The policy for {@code purpose} in direction {@code dir}, if the set has one. */
    public Optional<MobilityPolicy> policy(MobilityPolicy.Purpose purpose, int dir) {
        return policies.stream().filter(p -> p.purpose() == purpose && p.dir() == dir).findFirst();
    }

    /** One line per policy, for an operator (logs, admin socket). */
    public String describe() {
        return policies.stream().map(MobilityPolicy::describe)
                .collect(Collectors.joining("\n", role + " policies for home address "
                        + MobilityPolicy.text(homeAddress) + " at " + MobilityPolicy.text(homeAgent) + ":\n", ""));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MobilityPolicySet s && role == s.role && homeAddress.equals(s.homeAddress)
                && homeAgent.equals(s.homeAgent) && policies.equals(s.policies);
    }

    @Override
    public int hashCode() {
        return Objects.hash(role, homeAddress, homeAgent, policies);
    }

    @Override
    public String toString() {
        return "MobilityPolicySet[" + role + ", hoa=" + homeAddress.getHostAddress() + ", ha="
                + homeAgent.getHostAddress() + ", " + policies.size() + " policies"
                + (careOf == null ? "" : ", coa=" + careOf.getHostAddress()) + "]";
    }

    /** Settings of a {@link MobilityPolicySet}; {@link #build()} validates and may be called repeatedly. */
    public static final class Builder {
        private final Role role;
        private final InetAddress homeAddress;
        private final InetAddress homeAgent;
        private int signallingReqid;
        private boolean prefixDiscovery;
        private InetAddress careOf;
        private int payloadReqid;
        private int priority = DEFAULT_PRIORITY;
        private int policyType = XfrmMessageTypes.XFRM_POLICY_TYPE_MAIN;

        private Builder(Role role, InetAddress homeAddress, InetAddress homeAgent) {
            this.role = Objects.requireNonNull(role, "role");
            this.homeAddress = requireIpv6("home address", homeAddress);
            this.homeAgent = requireIpv6("home agent address", homeAgent);
            if (homeAddress.equals(homeAgent)) {
                throw new IllegalArgumentException("home address and home agent address are both "
                        + homeAddress.getHostAddress());
            }
        }

        /** The reqid of the signalling templates (default 0: any SA matches). */
        public Builder signallingReqid(int reqid) {
            this.signallingReqid = reqid;
            return this;
        }

        /** Adds the ICMPv6 mobile prefix solicitation/advertisement policies (default off). */
        public Builder mobilePrefixDiscovery(boolean on) {
            this.prefixDiscovery = on;
            return this;
        }

        /** Adds the payload tunnel between {@code careOf} and the home agent, templates with {@code reqid}. */
        public Builder payload(InetAddress careOf, int reqid) {
            this.careOf = requireIpv6("care-of address", careOf);
            this.payloadReqid = reqid;
            return this;
        }

        /** Removes the payload tunnel. */
        public Builder noPayload() {
            this.careOf = null;
            this.payloadReqid = 0;
            return this;
        }

        /** Priority of the signalling policies, 0 .. 2^32-2 unsigned (payload: one more; lower wins). */
        public Builder priority(int priority) {
            if (priority == -1) throw new IllegalArgumentException("priority 4294967295 leaves no room for payload");
            this.priority = priority;
            return this;
        }

        /** {@link XfrmMessageTypes#XFRM_POLICY_TYPE_MAIN} (default) or {@code XFRM_POLICY_TYPE_SUB}. */
        public Builder policyType(int policyType) {
            if (policyType != XfrmMessageTypes.XFRM_POLICY_TYPE_MAIN
                    && policyType != XfrmMessageTypes.XFRM_POLICY_TYPE_SUB) {
                throw new IllegalArgumentException("policy type must be 0 main or 1 sub: " + policyType);
            }
            this.policyType = policyType;
            return this;
        }

        public MobilityPolicySet build() {
            if (careOf != null && (careOf.equals(homeAgent) || careOf.equals(homeAddress))) {
                throw new IllegalArgumentException("care-of address " + careOf.getHostAddress()
                        + " must differ from the home address and the home agent address");
            }
            return new MobilityPolicySet(this);
        }

        private static InetAddress requireIpv6(String what, InetAddress address) {
            Objects.requireNonNull(address, what);
            if (!(address instanceof Inet6Address)) {
                throw new IllegalArgumentException(what + " must be IPv6: " + address.getHostAddress());
            }
            return address;
        }
    }
}
