package org.mip6kit.wire;

/**
 * The Status field of the IPv4 Address Acknowledgement option (RFC 5555 §3.2.1).
 * Values below 128 mean success. Unknown codes keep their number; {@link #toString()}
 * prints {@code name(code)}.
 */
public final class Ipv4AddressAckStatus extends CodePoint {

    private static final CodeTable<Ipv4AddressAckStatus> TABLE = new CodeTable<>(
            "Unassigned", Ipv4AddressAckStatus::new,
            0, "Success",
            128, "Failure, reason unspecified",
            129, "Administratively prohibited",
            130, "Incorrect IPv4 home address",
            131, "Invalid IPv4 address",
            132, "Dynamic IPv4 home address assignment not available",
            133, "Prefix allocation unauthorized");

    public static final Ipv4AddressAckStatus SUCCESS = of(0);
    public static final Ipv4AddressAckStatus FAILURE_REASON_UNSPECIFIED = of(128);
    public static final Ipv4AddressAckStatus ADMINISTRATIVELY_PROHIBITED = of(129);
    public static final Ipv4AddressAckStatus INCORRECT_IPV4_HOME_ADDRESS = of(130);
    public static final Ipv4AddressAckStatus INVALID_IPV4_ADDRESS = of(131);
    public static final Ipv4AddressAckStatus DYNAMIC_ASSIGNMENT_NOT_AVAILABLE = of(132);
    public static final Ipv4AddressAckStatus PREFIX_ALLOCATION_UNAUTHORIZED = of(133);

    private Ipv4AddressAckStatus(int code, String name) {
        super(code, name);
    }

    public static Ipv4AddressAckStatus of(int code) {
        return TABLE.get(code);
    }

    public boolean isSuccess() {
        return code() < 128;
    }
}
