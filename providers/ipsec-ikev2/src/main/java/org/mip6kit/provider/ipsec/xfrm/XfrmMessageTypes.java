package org.mip6kit.provider.ipsec.xfrm;

/**
 * XFRM netlink message and attribute type codes (include/uapi/linux/xfrm.h, checked against the
 * installed header). Open: a code not listed here is carried as a plain int.
 */
public final class XfrmMessageTypes {
    private XfrmMessageTypes() {}

    public static final int NETLINK_XFRM = 6;

    public static final int XFRM_MSG_NEWSA = 16;
    public static final int XFRM_MSG_DELSA = 17;
    public static final int XFRM_MSG_GETSA = 18;
    public static final int XFRM_MSG_NEWPOLICY = 19;
    public static final int XFRM_MSG_DELPOLICY = 20;
    public static final int XFRM_MSG_GETPOLICY = 21;
    public static final int XFRM_MSG_ACQUIRE = 23;
    public static final int XFRM_MSG_UPDPOLICY = 25;
    public static final int XFRM_MSG_UPDSA = 26;
    public static final int XFRM_MSG_POLEXPIRE = 27;
    public static final int XFRM_MSG_FLUSHSA = 28;
    public static final int XFRM_MSG_FLUSHPOLICY = 29;
    public static final int XFRM_MSG_MIGRATE = 33;

    public static final int XFRMA_ENCAP = 4;
    public static final int XFRMA_TMPL = 5;
    public static final int XFRMA_SRCADDR = 13;
    public static final int XFRMA_COADDR = 14;
    public static final int XFRMA_POLICY_TYPE = 16;
    public static final int XFRMA_MIGRATE = 17;
    public static final int XFRMA_KMADDRESS = 19;
    public static final int XFRMA_MARK = 21;
    public static final int XFRMA_IF_ID = 31;

    public static final int XFRM_POLICY_TYPE_MAIN = 0;
    public static final int XFRM_POLICY_TYPE_SUB = 1;

    public static final int XFRMNLGRP_ACQUIRE = 1;
    public static final int XFRMNLGRP_MIGRATE = 7;

    /** {@code name(code)} for the codes above, {@code unknown(code)} otherwise. */
    public static String messageName(int code) {
        String name = switch (code) {
            case 16 -> "NEWSA"; case 17 -> "DELSA"; case 18 -> "GETSA"; case 19 -> "NEWPOLICY";
            case 20 -> "DELPOLICY"; case 21 -> "GETPOLICY"; case 23 -> "ACQUIRE"; case 25 -> "UPDPOLICY";
            case 26 -> "UPDSA"; case 27 -> "POLEXPIRE"; case 28 -> "FLUSHSA"; case 29 -> "FLUSHPOLICY";
            case 33 -> "MIGRATE"; case 2 -> "NLMSG_ERROR"; case 3 -> "NLMSG_DONE"; default -> "unknown";
        };
        return name + "(" + code + ")";
    }
}
