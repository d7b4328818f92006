package org.mip6kit.wire;

/**
 * A Binding Error Status value (RFC 6275 §6.1.9). Unknown codes keep their number;
 * {@link #toString()} prints {@code name(code)}.
 */
public final class BindingErrorStatus extends CodePoint {

    private static final CodeTable<BindingErrorStatus> TABLE = new CodeTable<>(
            "Unassigned", BindingErrorStatus::new,
            1, "Unknown binding for Home Address destination option",
            2, "Unrecognized MH Type value");

    /** 1: a packet carried a Home Address option for which the receiver has no binding. */
    public static final BindingErrorStatus UNKNOWN_BINDING_FOR_HOME_ADDRESS_OPTION = of(1);
    /** 2: the receiver does not know the MH Type of a message it got. */
    public static final BindingErrorStatus UNRECOGNIZED_MH_TYPE = of(2);

    private BindingErrorStatus(int code, String name) {
        super(code, name);
    }

    public static BindingErrorStatus of(int code) {
        return TABLE.get(code);
    }
}
