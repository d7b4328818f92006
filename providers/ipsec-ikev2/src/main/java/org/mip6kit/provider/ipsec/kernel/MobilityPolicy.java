package org.mip6kit.provider.ipsec.kernel;

import java.util.List;
import java.util.Objects;

import org.mip6kit.provider.ipsec.xfrm.XfrmMessageTypes;
import org.mip6kit.provider.ipsec.xfrm.XfrmSelector;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserPolicyId;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserPolicyInfo;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserTmpl;

/**
 * One XFRM policy of a {@link MobilityPolicySet}: what it protects, the policy as the kernel
 * receives it (selector, direction, priority, index 0 so that the kernel assigns one), its ESP
 * templates and the policy type (main or sub).
 *
 * @param purpose which traffic this policy is for
 * @param info the xfrm_userpolicy_info sent with UPDPOLICY (index 0, action allow)
 * @param templates the ESP templates, in order (one here; a list because XFRMA_TMPL is one)
 * @param policyType {@link XfrmMessageTypes#XFRM_POLICY_TYPE_MAIN} or {@link XfrmMessageTypes#XFRM_POLICY_TYPE_SUB}
 */
public record MobilityPolicy(Purpose purpose, XfrmUserPolicyInfo info, List<XfrmUserTmpl> templates, int policyType) {

    /** The traffic a policy covers, with the short name {@link #describe()} prints. */
    public enum Purpose {
        /** Mobility Header type 5 (RFC 6275 §6.1.7). */
        BINDING_UPDATE("BU", 5),
        /** Mobility Header type 6 (RFC 6275 §6.1.8). */
        BINDING_ACKNOWLEDGEMENT("BA", 6),
        /** Mobility Header type 7 (RFC 6275 §6.1.9). */
        BINDING_ERROR("BE", 7),
        /** ICMPv6 type 146 (RFC 6275 §6.7). */
        MOBILE_PREFIX_SOLICITATION("MPS", 146),
        /** ICMPv6 type 147 (RFC 6275 §6.8). */
        MOBILE_PREFIX_ADVERTISEMENT("MPA", 147),
        /** Every packet to or from the home address, tunnelled between care-of address and home agent. */
        PAYLOAD("payload", -1);

        private final String shortName;
        private final int messageType;

        Purpose(String shortName, int messageType) {
            this.shortName = shortName;
            this.messageType = messageType;
        }

        /** "BU", "BA", "BE", "MPS", "MPA" or "payload". */
        public String shortName() { return shortName; }

        /** The MH or ICMPv6 type, -1 for payload. */
        public int messageType() { return messageType; }
    }

    public MobilityPolicy {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(info, "info");
        templates = List.copyOf(templates);
        if (templates.isEmpty()) throw new IllegalArgumentException("a protecting policy needs a template");
        if (info.index() != 0) throw new IllegalArgumentException("index must be 0 (the kernel assigns it)");
        if (policyType != XfrmMessageTypes.XFRM_POLICY_TYPE_MAIN && policyType != XfrmMessageTypes.XFRM_POLICY_TYPE_SUB) {
            throw new IllegalArgumentException("policy type must be 0 main or 1 sub: " + policyType);
        }
    }

    /** The name DELPOLICY, GETPOLICY and MIGRATE use: selector and direction, index 0. */
    public XfrmUserPolicyId id() {
        return new XfrmUserPolicyId(info.selector(), 0, info.dir());
    }

    /** The direction, {@link XfrmUserPolicyInfo#DIR_IN}, {@code DIR_OUT} or {@code DIR_FWD}. */
    public int dir() {
        return info.dir();
    }

    /** Whether any template is tunnel mode (such a template names the care-of address; MIGRATE moves it). */
    public boolean tunnel() {
        return templates.stream().anyMatch(t -> t.mode() == XfrmUserTmpl.MODE_TUNNEL);
    }

    /**
     * One line for an operator, e.g.
     * {@code BU out 2001:db8:2::1/128 -> 2001:db8:1::1/128 MH type 5, ESP transport
     * 2001:db8:2::1 -> 2001:db8:1::1 reqid 7, priority 1000, main}.
     */
    public String describe() {
        XfrmSelector s = info.selector();
        StringBuilder b = new StringBuilder();
        b.append(purpose.shortName()).append(' ').append(dirName(info.dir())).append(' ')
                .append(text(s.saddr())).append('/').append(s.prefixlenS()).append(" -> ")
                .append(text(s.daddr())).append('/').append(s.prefixlenD());
        switch (s.proto()) {
            case XfrmSelector.IPPROTO_MH -> b.append(" MH type ").append(s.sport());
            case MobilityPolicySet.IPPROTO_ICMPV6 -> b.append(" ICMPv6 type ").append(s.sport());
            case 0 -> b.append(" any protocol");
            default -> b.append(" protocol ").append(s.proto());
        }
        for (XfrmUserTmpl t : templates) {
            b.append(", ESP ").append(t.mode() == XfrmUserTmpl.MODE_TUNNEL ? "tunnel " : "transport ")
                    .append(text(t.saddr())).append(" -> ").append(text(t.daddr()))
                    .append(" reqid ").append(Integer.toUnsignedString(t.reqid()));
        }
        b.append(", priority ").append(Integer.toUnsignedString(info.priority()))
                .append(policyType == XfrmMessageTypes.XFRM_POLICY_TYPE_SUB ? ", sub" : ", main");
        return b.toString();
    }

    /** An address in its shortest text form (RFC 5952 for IPv6: longest run of two or more zero groups as "::"). */
    static String text(java.net.InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != 16) return address.getHostAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        int bestStart = -1, bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
            i = j;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLength - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') b.append(':');
            b.append(Integer.toHexString(g[i]));
        }
        return b.toString();
    }

    /** "in", "out" or "fwd". */
    static String dirName(int dir) {
        return switch (dir) {
            case XfrmUserPolicyInfo.DIR_IN -> "in";
            case XfrmUserPolicyInfo.DIR_OUT -> "out";
            default -> "fwd";
        };
    }
}
