package org.mip6kit.wire.interop;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A JSON tree that keeps every member of an object in document order, duplicates included.
 *
 * <p>{@code tshark -T json} writes one member per protocol-tree item, so an object repeats a key
 * when a packet repeats an item (two PadN options, two Mobile Network Prefix options), and the
 * order of the members is the order of the octets. Jackson's {@code ObjectNode} keeps only the
 * last duplicate and {@code --no-duplicate-keys} loses the order between different keys, so
 * this reads the token stream itself.
 */
final class OrderedJson {

    private OrderedJson() {
    }

    /** A JSON value: every scalar is kept as its text (tshark writes all field values as strings). */
    sealed interface Node permits Text, Array, Obj {
    }

    record Text(String value) implements Node {
    }

    record Array(List<Node> items) implements Node {
    }

    record Obj(List<Map.Entry<String, Node>> members) implements Node {

        Optional<Node> first(String key) {
            for (Map.Entry<String, Node> m : members) {
                if (m.getKey().equals(key)) {
                    return Optional.of(m.getValue());
                }
            }
            return Optional.empty();
        }

        /** The text of the first member {@code key}; fails (as an assertion) if there is none. */
        String text(String key) {
            Node n = first(key).orElseThrow(() -> new AssertionError("tshark printed no field " + key
                    + " here; members: " + keys()));
            if (n instanceof Text t) {
                return t.value();
            }
            throw new AssertionError(key + " is not a scalar: " + n);
        }

        Obj obj(String key) {
            Node n = first(key).orElseThrow(() -> new AssertionError("tshark printed no " + key
                    + " here; members: " + keys()));
            if (n instanceof Obj o) {
                return o;
            }
            throw new AssertionError(key + " is not an object: " + n);
        }

        List<String> keys() {
            return members.stream().map(Map.Entry::getKey).toList();
        }

        /** The first object named {@code key} anywhere below this one, depth first. */
        Optional<Obj> findObj(String key) {
            for (Map.Entry<String, Node> m : members) {
                if (m.getKey().equals(key) && m.getValue() instanceof Obj o) {
                    return Optional.of(o);
                }
                Optional<Obj> below = findObjIn(m.getValue(), key);
                if (below.isPresent()) {
                    return below;
                }
            }
            return Optional.empty();
        }

        /** The text of the first member named {@code key} anywhere below this object. */
        Optional<String> findText(String key) {
            List<String> found = new ArrayList<>();
            walk(this, (k, v) -> {
                if (found.isEmpty() && k.equals(key) && v instanceof Text t) {
                    found.add(t.value());
                }
            });
            return found.stream().findFirst();
        }

        private static Optional<Obj> findObjIn(Node n, String key) {
            if (n instanceof Obj o) {
                return o.findObj(key);
            }
            if (n instanceof Array a) {
                for (Node item : a.items()) {
                    Optional<Obj> found = findObjIn(item, key);
                    if (found.isPresent()) {
                        return found;
                    }
                }
            }
            return Optional.empty();
        }
    }

    static Node parse(Path file) throws IOException {
        JsonFactory factory = new JsonFactory();
        try (JsonParser parser = factory.createParser(Files.newInputStream(file))) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new IOException(file + " holds no JSON");
            }
            Node root = read(parser, first);
            if (parser.nextToken() != null) {
                throw new IOException(file + " has data after the JSON value");
            }
            return root;
        }
    }

    /** Calls {@code visitor} for every object member below {@code node}, depth first. */
    static void walk(Node node, BiConsumer<String, Node> visitor) {
        if (node instanceof Obj o) {
            for (Map.Entry<String, Node> m : o.members()) {
                visitor.accept(m.getKey(), m.getValue());
                walk(m.getValue(), visitor);
            }
        } else if (node instanceof Array a) {
            for (Node item : a.items()) {
                walk(item, visitor);
            }
        }
    }

    private static Node read(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT -> {
                List<Map.Entry<String, Node>> members = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    if (t != JsonToken.FIELD_NAME) {
                        throw new IOException("expected a member name at " + parser.currentLocation());
                    }
                    String name = parser.currentName();
                    members.add(new AbstractMap.SimpleImmutableEntry<>(name, read(parser, parser.nextToken())));
                }
                return new Obj(List.copyOf(members));
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    items.add(read(parser, t));
                }
                return new Array(List.copyOf(items));
            }
            case VALUE_NULL -> {
                return new Text(null);
            }
            default -> {
                if (token.isScalarValue()) {
                    return new Text(parser.getText());
                }
                throw new IOException("unexpected " + token + " at " + parser.currentLocation());
            }
        }
    }
}
