package org.mip6kit.provider.tls.control;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One control message between a mobile node and its Home Agent Controller, carried inside TLS
 * (RFC 6618 §5.1): a 4-octet container header, then text lines.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Ver | Reserved|  Identifier   |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | message-type: MHAuth-Init CRLF                                 |
 * | name: value CRLF   (zero or more, in order)                    |
 * | CRLF               (the empty line ends the message)           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Ver is {@link #VERSION}; Reserved is zero; Identifier 1..255 matches a response to its
 * request and counts the exchanges (§5.1); Length counts every octet of the message, the header
 * included (this package's reading). The type travels as the first line; the other fields
 * follow in the order given, each name at most once (see {@link ControlFields} for names and
 * value syntax). At most {@link #MAX_FIELDS} fields and {@link #MAX_MESSAGE_OCTETS} octets.
 *
 * <p>Immutable; {@link #toString()} never shows keys, {@code auth} or EAP payloads.
 */
public final class ControlMessage {

    /** The container version this package sends and accepts. */
    public static final int VERSION = 0;
    /** Largest encoded message, header included. */
    public static final int MAX_MESSAGE_OCTETS = 8192;
    /** Most fields in one message, the type line not counted. */
    public static final int MAX_FIELDS = 64;
    /** Longest field value. */
    public static final int MAX_VALUE_CHARS = 6000;

    /** One {@code name: value} line. */
    public record Field(String name, String value) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return ControlFields.isSecret(name) ? name + ": <" + value.length() / 2 + " octets>" : name + ": " + value;
        }
    }

    private final int version;
    private final int identifier;
    private final ControlMessageType type;
    private final List<Field> fields;

    /**
     * @throws IllegalArgumentException if the version is not 0..7, the identifier not 1..255, a
     *         field name or value breaks {@link ControlFields}' rules, a name repeats, or there
     *         are more than {@link #MAX_FIELDS} fields
     */
    public ControlMessage(int version, int identifier, ControlMessageType type, List<Field> fields) {
        if (version < 0 || version > 7) {
            throw new IllegalArgumentException("Ver is 3 bits, got " + version);
        }
        if (identifier < 1 || identifier > 255) {
            throw new IllegalArgumentException("Identifier is 1..255, got " + identifier);
        }
        this.version = version;
        this.identifier = identifier;
        this.type = Objects.requireNonNull(type, "type");
        this.fields = List.copyOf(fields);
        if (this.fields.size() > MAX_FIELDS) {
            throw new IllegalArgumentException("at most " + MAX_FIELDS + " fields, got " + this.fields.size());
        }
        Set<String> seen = new HashSet<>();
        for (Field f : this.fields) {
            String fault = fieldFault(f.name(), f.value());
            if (fault != null) {
                throw new IllegalArgumentException(f.name() + ": " + fault);
            }
            if (!seen.add(f.name())) {
                throw new IllegalArgumentException(f.name() + ": appears twice");
            }
        }
    }

    /** The reason a line is not acceptable, never quoting the value; null if it is. */
    static String fieldFault(String name, String value) {
        if (!ControlFields.isFieldName(name)) {
            return "a field name is 1..64 of a-z, 0-9 and '-', starting with a letter";
        }
        if (name.equals(ControlFields.MESSAGE_TYPE)) {
            return "the type travels as the first line only";
        }
        if (value.isEmpty() || value.length() > MAX_VALUE_CHARS) {
            return "a value has 1.." + MAX_VALUE_CHARS + " characters";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return "a value has printable ASCII only, found a character 0x" + Integer.toHexString(c)
                        + " at position " + i;
            }
        }
        if (value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' ') {
            return "a value neither starts nor ends with a space";
        }
        return ControlFields.checkValue(name, value);
    }

    /** A builder for a message of {@link #VERSION}. */
    public static Builder builder(ControlMessageType type, int identifier) {
        return new Builder(type, identifier);
    }

    public int version() {
        return version;
    }

    public int identifier() {
        return identifier;
    }

    public ControlMessageType type() {
        return type;
    }

    /** The fields in order, the type line not included. */
    public List<Field> fields() {
        return fields;
    }

    /** The value of {@code name}, if present. */
    public Optional<String> get(String name) {
        for (Field f : fields) {
            if (f.name().equals(name)) {
                return Optional.of(f.value());
            }
        }
        return Optional.empty();
    }

    /** Whether the last field is {@code name}. */
    boolean endsWith(String name) {
        return !fields.isEmpty() && fields.get(fields.size() - 1).name().equals(name);
    }

    /** This message with {@code name: value} appended. */
    public ControlMessage with(String name, String value) {
        List<Field> more = new ArrayList<>(fields);
        more.add(new Field(name, value));
        return new ControlMessage(version, identifier, type, more);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ControlMessage m && m.version == version && m.identifier == identifier
                && m.type.equals(type) && m.fields.equals(fields);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, identifier, type, fields);
    }

    @Override
    public String toString() {
        return type + "[id=" + identifier + (version == VERSION ? "" : ", ver=" + version) + ", " + fields + "]";
    }

    /** Collects fields in order; {@link #build()} validates. */
    public static final class Builder {
        private final ControlMessageType type;
        private final int identifier;
        private final List<Field> fields = new ArrayList<>();

        private Builder(ControlMessageType type, int identifier) {
            this.type = type;
            this.identifier = identifier;
        }

        public Builder field(String name, String value) {
            fields.add(new Field(name, value));
            return this;
        }

        /** Adds the field only when {@code value} is present. */
        public Builder field(String name, Optional<String> value) {
            value.ifPresent(v -> field(name, v));
            return this;
        }

        public ControlMessage build() {
            return new ControlMessage(VERSION, identifier, type, fields);
        }
    }
}
