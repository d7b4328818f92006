package org.mip6kit.wire;

/**
 * A Binding Acknowledgement Status value (RFC 6275 §6.1.8 and the IANA "Status Codes"
 * registry of the Mobile IPv6 parameters). Values below 128 mean the Binding Update was
 * accepted; 128 and above mean it was rejected. Every code 0..255 has one canonical instance,
 * so unknown codes keep their number; {@link #toString()} prints {@code name(code)}.
 */
public final class BindingAckStatus extends CodePoint {

    private static final CodeTable<BindingAckStatus> TABLE = new CodeTable<>(
            "Unassigned", BindingAckStatus::new,
            0, "Binding Update accepted",
            1, "Accepted but prefix discovery necessary",
            2, "GRE key option not required",
            3, "GRE tunneling but TLV header not supported",
            4, "MCoA not complete",
            5, "MCoA return home without NDP",
            6, "PBU accepted, TB ignored, settings mismatch",
            128, "Reason unspecified",
            129, "Administratively prohibited",
            130, "Insufficient resources",
            131, "Home registration not supported",
            132, "Not home subnet",
            133, "Not home agent for this mobile node",
            134, "Duplicate Address Detection failed",
            135, "Sequence number out of window",
            136, "Expired home nonce index",
            137, "Expired care-of nonce index",
            138, "Expired nonces",
            139, "Registration type change disallowed",
            140, "Mobile Router Operation not permitted",
            141, "Invalid Prefix",
            142, "Not Authorized for Prefix",
            143, "Forwarding Setup failed",
            144, "MIPV6-ID-MISMATCH",
            145, "MIPV6-MESG-ID-REQD",
            146, "MIPV6-AUTH-FAIL",
            147, "Permanent home keygen token unavailable",
            148, "CGA and signature verification failed",
            149, "Permanent home keygen token exists",
            150, "Non-null home nonce index expected",
            151, "Service authorization failed",
            152, "Proxy registration not enabled",
            153, "Not LMA for this mobile node",
            154, "MAG not authorized for proxy registration",
            155, "Not authorized for home network prefix",
            156, "Timestamp mismatch",
            157, "Timestamp lower than previous accepted",
            158, "Missing home network prefix option",
            159, "BCE PBU prefix set do not match",
            160, "Missing mobile node identifier option",
            161, "Missing handoff indicator option",
            162, "Missing access tech type option",
            163, "GRE key option required",
            164, "MCoA malformed",
            165, "MCoA non-MCoA binding exists",
            166, "MCoA prohibited",
            167, "MCoA unknown CoA",
            168, "MCoA bulk registration prohibited",
            169, "MCoA simultaneous home and foreign prohibited",
            170, "Not authorized for IPv4 mobility service",
            171, "Not authorized for IPv4 home address",
            172, "Not authorized for IPv6 mobility service",
            173, "Multiple IPv4 home address assignment not supported",
            174, "Invalid Care-of Address",
            175, "Invalid mobile node group identifier",
            176, "REINIT_SA_WITH_HAC",
            177, "Not authorized for delegated MNP",
            178, "Requested DMNP in use",
            179, "Cannot meet QoS service request",
            180, "Cannot support multipath binding");

    public static final BindingAckStatus ACCEPTED = of(0);
    public static final BindingAckStatus ACCEPTED_PREFIX_DISCOVERY_NECESSARY = of(1);
    public static final BindingAckStatus REASON_UNSPECIFIED = of(128);
    public static final BindingAckStatus ADMINISTRATIVELY_PROHIBITED = of(129);
    public static final BindingAckStatus INSUFFICIENT_RESOURCES = of(130);
    public static final BindingAckStatus HOME_REGISTRATION_NOT_SUPPORTED = of(131);
    public static final BindingAckStatus NOT_HOME_SUBNET = of(132);
    public static final BindingAckStatus NOT_HOME_AGENT_FOR_THIS_MOBILE_NODE = of(133);
    public static final BindingAckStatus DUPLICATE_ADDRESS_DETECTION_FAILED = of(134);
    public static final BindingAckStatus SEQUENCE_NUMBER_OUT_OF_WINDOW = of(135);
    public static final BindingAckStatus EXPIRED_HOME_NONCE_INDEX = of(136);
    public static final BindingAckStatus EXPIRED_CARE_OF_NONCE_INDEX = of(137);
    public static final BindingAckStatus EXPIRED_NONCES = of(138);
    public static final BindingAckStatus REGISTRATION_TYPE_CHANGE_DISALLOWED = of(139);
    public static final BindingAckStatus MOBILE_ROUTER_OPERATION_NOT_PERMITTED = of(140);
    public static final BindingAckStatus INVALID_PREFIX = of(141);
    public static final BindingAckStatus NOT_AUTHORIZED_FOR_PREFIX = of(142);
    public static final BindingAckStatus FORWARDING_SETUP_FAILED = of(143);
    public static final BindingAckStatus MIPV6_ID_MISMATCH = of(144);
    public static final BindingAckStatus MIPV6_MESG_ID_REQD = of(145);
    public static final BindingAckStatus MIPV6_AUTH_FAIL = of(146);
    public static final BindingAckStatus INVALID_CARE_OF_ADDRESS = of(174);
    public static final BindingAckStatus REINIT_SA_WITH_HAC = of(176);

    private BindingAckStatus(int code, String name) {
        super(code, name);
    }

    /** The canonical status for a code 0..255; unknown codes keep their number. */
    public static BindingAckStatus of(int code) {
        return TABLE.get(code);
    }

    /** Below 128: the Binding Update was accepted (RFC 6275 §6.1.8). */
    public boolean isAccepted() {
        return code() < 128;
    }
}
