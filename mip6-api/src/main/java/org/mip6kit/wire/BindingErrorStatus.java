package org.mip6kit.wire;

/**
 * A Binding Error Status value (RFC 6275 §6.1.9). Unknown codes keep their number;
 * {@link #toString()} prints {@code name(code)}.
 */
public final class BindingErrorStatus {

    private static final CodeTable<BindingErrorStatus> TABLE = new CodeTable<>(
            "Unassigned", BindingErrorStatus::new,
            1, "Unknown binding for Home Address destination option",
            2, "Unrecognized MH Type value");

    /** 1: a packet carried a Home Address option for which the receiver has no binding. */
    public static final BindingErrorStatus UNKNOWN_BINDING_FOR_HOME_ADDRESS_OPTION = of(1);
    /** 2: the receiver does not know the MH Type of a message it got. */
    public static final BindingErrorStatus UNRECOGNIZED_MH_TYPE = of(2);

    private final int code;
    private final String name;

    private BindingErrorStatus(int code, String name) {
        this.code = code;
        this.name = name;
    }

    public static BindingErrorStatus of(int code) {
        return TABLE.get(code);
    }

    public int code() {
        return code;
    }

    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BindingErrorStatus s && s.code == code;
    }

    @Override
    public int hashCode() {
        return code;
    }

    @Override
    public String toString() {
        return name + "(" + code + ")";
    }
}
