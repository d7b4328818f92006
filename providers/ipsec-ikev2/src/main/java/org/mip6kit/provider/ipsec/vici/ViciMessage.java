package org.mip6kit.provider.ipsec.vici;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A VICI message (strongSwan {@code vici/README.md}, "Message format"): an ordered tree of named
 * key/values, sections (nested messages) and lists of values; the root is the implicit section.
 * Immutable, validated on construction:
 *
 * <ul>
 *   <li>a name is 1 to 255 printable ASCII octets (0x20..0x7E: the 8-bit name length);
 *   <li>names are unique within a section (the README requires it of keys; this class of every
 *       name, so lookups are unambiguous);
 *   <li>values are at most 65535 octets (see {@link ViciValue}); lists do not nest.
 * </ul>
 *
 * <p>{@link #toString()} prints the tree in swanctl-like notation with secret values shown as
 * {@code <secret>}. Build with {@link #builder()}.
 */
public final class ViciMessage {
    /** The message with no elements (e.g. the {@code version} request). */
    public static final ViciMessage EMPTY = new ViciMessage(List.of());

    /** One element of a section. */
    public sealed interface Element permits KeyValue, Section, ValueList {
        /** @return the element's name */
        String name();
    }

    /**
     * {@code KEY_VALUE}: {@code name = value}.
     *
     * @param name key
     * @param value value
     */
    public record KeyValue(String name, ViciValue value) implements Element {
        /** Validates the name. */
        public KeyValue {
            checkName(name);
            java.util.Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return name + " = " + value;
        }
    }

    /**
     * {@code SECTION_START name ... SECTION_END}.
     *
     * @param name section name
     * @param body the section's content
     */
    public record Section(String name, ViciMessage body) implements Element {
        /** Validates the name. */
        public Section {
            checkName(name);
            java.util.Objects.requireNonNull(body, "body");
        }

        @Override
        public String toString() {
            return name + " " + body;
        }
    }

    /**
     * {@code LIST_START name, LIST_ITEM*, LIST_END}: may be empty.
     *
     * @param name list name
     * @param items the items in order
     */
    public record ValueList(String name, List<ViciValue> items) implements Element {
        /** Validates the name and copies the items. */
        public ValueList {
            checkName(name);
            items = List.copyOf(items);
        }

        @Override
        public String toString() {
            return name + " = " + items;
        }
    }

    private final List<Element> elements;

    private ViciMessage(List<Element> elements) {
        Set<String> seen = new HashSet<>();
        for (Element e : elements) {
            if (!seen.add(e.name())) {
                throw new IllegalArgumentException("duplicate VICI name '" + e.name() + "' in a section");
            }
        }
        this.elements = Collections.unmodifiableList(new ArrayList<>(elements));
    }

    /**
     * @param elements the elements in wire order
     * @return a message
     * @throws IllegalArgumentException if names repeat
     */
    public static ViciMessage of(List<? extends Element> elements) {
        return new ViciMessage(new ArrayList<>(elements));
    }

    /** @return a builder for a new message */
    public static Builder builder() {
        return new Builder();
    }

    static void checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > 255) {
            throw new IllegalArgumentException("VICI name must be 1..255 characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                throw new IllegalArgumentException(
                        "VICI name must be printable ASCII, found 0x" + Integer.toHexString(c));
            }
        }
    }

    /** @return the elements in wire order (unmodifiable) */
    public List<Element> elements() {
        return elements;
    }

    /** @return whether the message has no elements */
    public boolean isEmpty() {
        return elements.isEmpty();
    }

    private Optional<Element> find(String name) {
        for (Element e : elements) {
            if (e.name().equals(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** @param key key name @return the key's value, if a KEY_VALUE of that name exists */
    public Optional<ViciValue> value(String key) {
        return find(key).filter(KeyValue.class::isInstance).map(e -> ((KeyValue) e).value());
    }

    /** @param key key name @return the key's value as text, if present */
    public Optional<String> text(String key) {
        return value(key).map(ViciValue::text);
    }

    /** @param name section name @return the section's body, if present */
    public Optional<ViciMessage> section(String name) {
        return find(name).filter(Section.class::isInstance).map(e -> ((Section) e).body());
    }

    /** @param name list name @return the list's items, empty if absent */
    public List<ViciValue> list(String name) {
        return find(name).filter(ValueList.class::isInstance)
                .map(e -> ((ValueList) e).items()).orElse(List.of());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ViciMessage m && m.elements.equals(elements);
    }

    @Override
    public int hashCode() {
        return elements.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < elements.size(); i++) {
            b.append(i == 0 ? " " : "; ").append(elements.get(i));
        }
        return b.append(elements.isEmpty() ? "}" : " }").toString();
    }

    /** Collects elements in order; not thread-safe. */
    public static final class Builder {
        private final List<Element> elements = new ArrayList<>();

        private Builder() {}

        /** @param key key @param value text value @return this */
        public Builder add(String key, String value) {
            return add(key, ViciValue.of(value));
        }

        /** @param key key @param value value @return this */
        public Builder add(String key, ViciValue value) {
            elements.add(new KeyValue(key, value));
            return this;
        }

        /** @param key key @param value secret text, printed as {@code <secret>} @return this */
        public Builder addSecret(String key, String value) {
            return add(key, ViciValue.secret(value));
        }

        /** @param name section name @param body content @return this */
        public Builder section(String name, ViciMessage body) {
            elements.add(new Section(name, body));
            return this;
        }

        /** @param name list name @param items text items @return this */
        public Builder list(String name, String... items) {
            List<ViciValue> values = new ArrayList<>();
            for (String s : items) {
                values.add(ViciValue.of(s));
            }
            return list(name, values);
        }

        /** @param name list name @param items items @return this */
        public Builder list(String name, List<ViciValue> items) {
            elements.add(new ValueList(name, items));
            return this;
        }

        /** @return the message @throws IllegalArgumentException if names repeat */
        public ViciMessage build() {
            return new ViciMessage(elements);
        }
    }
}
