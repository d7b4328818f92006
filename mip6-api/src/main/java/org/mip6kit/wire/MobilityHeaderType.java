package org.mip6kit.wire;

/**
 * An MH Type value (RFC 6275 §6.1 and the IANA "Mobility Header Types" registry). Every
 * code 0..255 has one canonical instance; {@link #toString()} prints {@code name(code)}.
 * Which types this codebase can decode is decided by {@link MobilityHeaderCodec}, not here.
 */
public final class MobilityHeaderType extends CodePoint {

    private static final CodeTable<MobilityHeaderType> TABLE = new CodeTable<>(
            "Unassigned", MobilityHeaderType::new,
            0, "Binding Refresh Request",
            1, "Home Test Init",
            2, "Care-of Test Init",
            3, "Home Test",
            4, "Care-of Test",
            5, "Binding Update",
            6, "Binding Acknowledgement",
            7, "Binding Error",
            8, "Fast Binding Update",
            9, "Fast Binding Acknowledgment",
            10, "Fast Neighbor Advertisement",
            11, "Experimental Mobility Header",
            12, "Home Agent Switch",
            13, "Heartbeat",
            14, "Handover Initiate",
            15, "Handover Acknowledge",
            16, "Binding Revocation",
            17, "Localized Routing Initiation",
            18, "Localized Routing Acknowledgment");

    public static final MobilityHeaderType BINDING_REFRESH_REQUEST = of(0);
    public static final MobilityHeaderType HOME_TEST_INIT = of(1);
    public static final MobilityHeaderType CARE_OF_TEST_INIT = of(2);
    public static final MobilityHeaderType HOME_TEST = of(3);
    public static final MobilityHeaderType CARE_OF_TEST = of(4);
    public static final MobilityHeaderType BINDING_UPDATE = of(5);
    public static final MobilityHeaderType BINDING_ACKNOWLEDGEMENT = of(6);
    public static final MobilityHeaderType BINDING_ERROR = of(7);
    /** RFC 5142. */
    public static final MobilityHeaderType HOME_AGENT_SWITCH = of(12);

    private MobilityHeaderType(int code, String name) {
        super(code, name);
    }

    public static MobilityHeaderType of(int code) {
        return TABLE.get(code);
    }
}
