package org.mip6kit.provider.tls.control;

/**
 * A control message (RFC 6618 §5.1) that breaks the format: it names the field (a container
 * header field such as {@code Length}, or a line's field name) and the octet offset in the
 * message where the fault was found, and carries the status the Home Agent Controller answers
 * with ({@link StatusCode#BAD_REQUEST}) before it closes the connection.
 *
 * <p>The message never contains a field's value: values may be keys or {@code auth} values.
 */
public final class ControlFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final int offset;

    /**
     * @param field  the header field or line field name at fault (never its value)
     * @param offset octet offset from the start of the message
     * @param reason what was wrong and what was expected, without any field value
     */
    public ControlFormatException(String field, int offset, String reason) {
        super(field + " at offset " + offset + ": " + reason);
        this.field = field;
        this.offset = offset;
    }

    /** The header field or line field name at fault. */
    public String field() {
        return field;
    }

    /** Octet offset from the start of the message (or of the stream, for the framer). */
    public int offset() {
        return offset;
    }

    /** The status the Home Agent Controller answers with: always {@link StatusCode#BAD_REQUEST}. */
    public StatusCode reply() {
        return StatusCode.BAD_REQUEST;
    }
}
