package org.mip6kit.provider.ipsec.vici;

/**
 * A VICI packet or message that breaks the format of strongSwan's {@code vici/README.md}
 * ("Packet layer", "Message format") or one of this codec's bounds. The message names the element
 * and the offset (from the start of the decoded buffer) where decoding stopped. It never quotes
 * values, which may be secrets.
 */
public final class ViciFormatException extends ViciException {
    private static final long serialVersionUID = 1L;
    private final String element;
    private final int offset;

    /**
     * @param element the element or field being decoded, e.g. {@code "KEY_VALUE name"}
     * @param offset offset in octets at which the problem was found
     * @param problem what was wrong and what was expected
     */
    public ViciFormatException(String element, int offset, String problem) {
        super(element + " at offset " + offset + ": " + problem);
        this.element = element;
        this.offset = offset;
    }

    /** @return the element or field being decoded */
    public String element() {
        return element;
    }

    /** @return offset in octets at which decoding stopped */
    public int offset() {
        return offset;
    }
}
