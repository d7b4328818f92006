package org.mip6kit.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The packets of {@code tshark -T json}, each flattened to field name → every value it has
 * anywhere in the packet's tree.
 *
 * <p>Read with a streaming parser on purpose: {@code tshark -T json} repeats keys inside one
 * object (two {@code "ipv6"} layers for a UDP-encapsulated packet, two {@code "ipv6.addr"}),
 * which a tree-building JSON reader silently collapses to the last one.
 */
final class DaemonsEndToEndTshark {

    /** Wireshark's expert severities ({@code epan/proto.h}): PI_WARN and PI_ERROR. */
    static final long PI_WARN = 0x00600000L;

    private DaemonsEndToEndTshark() {
    }

    /** One dissected packet. */
    record Packet(Map<String, List<String>> fields) {

        List<String> values(String field) {
            return fields.getOrDefault(field, List.of());
        }

        Optional<String> first(String field) {
            List<String> v = values(field);
            return v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
        }

        boolean has(String field) {
            return fields.containsKey(field);
        }

        String frame() {
            return first("frame.number").orElse("?");
        }

        /** The Mobility Header type, when the packet has exactly one Mobility Header. */
        Optional<Integer> mhType() {
            List<String> v = values("mip6.mhtype");
            return v.size() == 1 ? Optional.of(Integer.parseInt(v.get(0))) : Optional.empty();
        }

        /** A single numeric field (decimal, as tshark prints integers). */
        int number(String field) {
            List<String> v = values(field);
            if (v.size() != 1) {
                throw new AssertionError("frame " + frame() + ": expected one " + field + ", found " + v
                        + "\n" + this);
            }
            return Integer.parseInt(v.get(0));
        }

        /** Expert items at warning level or above, and malformed/short markers, as readable text. */
        List<String> problems() {
            List<String> problems = new ArrayList<>();
            List<String> severities = values("_ws.expert.severity");
            List<String> messages = values("_ws.expert.message");
            for (int i = 0; i < severities.size(); i++) {
                if (Long.parseLong(severities.get(i)) >= PI_WARN) {
                    problems.add("expert (severity 0x" + Long.toHexString(Long.parseLong(severities.get(i))) + "): "
                            + (i < messages.size() ? messages.get(i) : "?"));
                }
            }
            fields.keySet().stream()
                    .filter(k -> k.startsWith("_ws.malformed") || k.startsWith("_ws.short"))
                    .forEach(k -> problems.add(k));
            return problems;
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("frame " + frame() + " (" + first("frame.protocols").orElse("?")
                    + "):");
            fields.forEach((k, v) -> {
                if (k.startsWith("mip6.") || k.startsWith("_ws.") || k.equals("ipv6.src") || k.equals("ipv6.dst")) {
                    text.append("\n  ").append(k).append(" = ").append(v);
                }
            });
            return text.toString();
        }
    }

    static List<Packet> parse(String json) throws IOException {
        List<Packet> packets = new ArrayList<>();
        try (JsonParser parser = new JsonFactory().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("tshark -T json: expected an array of packets, got " + parser.currentToken());
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
                Map<String, List<String>> fields = new LinkedHashMap<>();
                readObject(parser, fields);
                packets.add(new Packet(fields));
            }
            if (token != JsonToken.END_ARRAY) {
                throw new IOException("tshark -T json: expected a packet object, got " + token);
            }
        }
        return packets;
    }

    /** The parser stands on START_OBJECT; consumes up to its END_OBJECT. */
    private static void readObject(JsonParser parser, Map<String, List<String>> fields) throws IOException {
        String name = null;
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_OBJECT) {
            if (token == JsonToken.FIELD_NAME) {
                name = parser.currentName();
            } else {
                readValue(parser, token, name, fields);
            }
        }
    }

    private static void readValue(JsonParser parser, JsonToken token, String name, Map<String, List<String>> fields)
            throws IOException {
        switch (token) {
            case START_OBJECT -> {
                add(fields, name, "{}");
                readObject(parser, fields);
            }
            case START_ARRAY -> {
                JsonToken element;
                while ((element = parser.nextToken()) != JsonToken.END_ARRAY) {
                    readValue(parser, element, name, fields);
                }
            }
            default -> add(fields, name, parser.getText());
        }
    }

    private static void add(Map<String, List<String>> fields, String name, String value) {
        fields.computeIfAbsent(name == null ? "?" : name, k -> new ArrayList<>()).add(value);
    }
}
