package org.mip6kit.cli.decode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes {@link DecodedEntry}s as one JSON document: an object for a single entry, an array
 * when {@code array} is asked for (several messages, or any pcap file). The keys are listed in
 * {@code mip6kit decode --help}; they are part of the command's interface.
 */
public final class JsonFormat {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonFormat() {
    }

    public static void write(List<DecodedEntry> entries, boolean array, PrintWriter out) {
        Object document;
        if (array || entries.size() != 1) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (DecodedEntry e : entries) {
                list.add(e.toJson());
            }
            document = list;
        } else {
            document = entries.get(0).toJson();
        }
        try {
            out.println(MAPPER.writeValueAsString(document));
        } catch (JsonProcessingException e) {
            // Maps of strings, numbers and booleans always serialize.
            throw new UncheckedIOException(e);
        }
        out.flush();
    }
}
