package org.mip6kit.wire;

/**
 * A one-octet code from an IANA registry with its name: a status or a type. Each subclass
 * keeps one canonical instance per code 0..255, so unknown codes keep their number; two code
 * points are equal when they are of the same registry and have the same code.
 * {@link #toString()} prints {@code name(code)}.
 */
public abstract sealed class CodePoint
        permits BindingAckStatus, BindingErrorStatus, Ipv4AddressAckStatus, MobilityHeaderType {

    private final int code;
    private final String name;

    CodePoint(int code, String name) {
        this.code = code;
        this.name = name;
    }

    /** The code as sent on the wire, 0..255. */
    public final int code() {
        return code;
    }

    /** The registry's name for the code, or "Unassigned". */
    public final String name() {
        return name;
    }

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && ((CodePoint) o).code == code;
    }

    @Override
    public final int hashCode() {
        return code;
    }

    @Override
    public final String toString() {
        return name + "(" + code + ")";
    }
}
