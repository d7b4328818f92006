package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The table of {@code mip6kit ha bindings}. */
@Tag("small")
class HaBindingsTableTest {

    @Test
    void escapesAPeerChosenIdentitySoThatTheTableStaysOneLinePerBinding() throws Exception {
        // JSON decoding turns \n and \u001b back into the characters a peer chose.
        JsonNode bindings = new ObjectMapper().readTree("[{\"homeAddress\":\"2001:db8:1::100\","
                + "\"careOfAddress\":\"2001:db8:2::100\",\"identity\":\"nai:mn1\\n\\u001b[2J\\u2028x@example.com\","
                + "\"lifetimeLeftSeconds\":42,\"sequence\":7,\"provider\":\"auth-option-4285\"}]");

        String table = HaBindingsCommand.table(bindings);

        assertThat(table.lines()).hasSize(3);
        assertThat(table).doesNotContain("\u001b").doesNotContain("\u2028")
                .contains("nai:mn1\\u000a\\u001b[2J\\u2028x@example.com");
    }

    @Test
    void showsEachBindingsTunnelTrafficWhenTheDataPlaneCountsIt() throws Exception {
        JsonNode bindings = new ObjectMapper().readTree("[{\"homeAddress\":\"2001:db8:1::100\","
                + "\"careOfAddress\":\"2001:db8:2::100\",\"identity\":\"nai:mn1@example.com\","
                + "\"lifetimeLeftSeconds\":42,\"sequence\":7,\"provider\":\"auth-option-4285\","
                + "\"traffic\":{\"packetsToNode\":3,\"bytesToNode\":312,\"packetsFromNode\":2,\"bytesFromNode\":208}}]");

        String table = HaBindingsCommand.table(bindings);

        assertThat(table.lines().findFirst().orElseThrow()).endsWith("TO NODE       FROM NODE");
        assertThat(table.lines().skip(1).findFirst().orElseThrow()).endsWith("3 pkts/312 B  2 pkts/208 B");
    }

    @Test
    void hasNoTrafficColumnsWithoutADataPlane() throws Exception {
        JsonNode bindings = new ObjectMapper().readTree("[{\"homeAddress\":\"2001:db8:1::100\","
                + "\"careOfAddress\":\"2001:db8:2::100\",\"identity\":\"nai:mn1@example.com\","
                + "\"lifetimeLeftSeconds\":42,\"sequence\":7,\"provider\":\"auth-option-4285\",\"traffic\":null}]");

        assertThat(HaBindingsCommand.table(bindings)).doesNotContain("TO NODE");
    }
}
