package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The PREFIXES column of {@code mip6kit ha bindings}: a mobile router's prefixes, {@code -} for a host. */
@Tag("small")
class HaBindingsPrefixesTableTest {

    @Test
    void routerShowsItsPrefixesAndHostADash() throws Exception {
        JsonNode bindings = new ObjectMapper().readTree("[{\"homeAddress\":\"2001:db8:1::100\","
                + "\"careOfAddress\":\"2001:db8:2::100\",\"identity\":\"nai:mr1@example.org\","
                + "\"lifetimeLeftSeconds\":42,\"sequence\":7,\"provider\":\"test\",\"mobileRouter\":true,"
                + "\"mobileNetworkPrefixes\":[\"2001:db8:100::/48\",\"2001:db8:200:1::/64\"]},"
                + "{\"homeAddress\":\"2001:db8:1::200\",\"careOfAddress\":\"2001:db8:2::200\","
                + "\"identity\":\"nai:mn1@example.org\",\"lifetimeLeftSeconds\":42,\"sequence\":8,"
                + "\"provider\":\"test\",\"mobileRouter\":false,\"mobileNetworkPrefixes\":[]}]");

        String[] lines = HaBindingsCommand.table(bindings).split(System.lineSeparator());

        assertThat(lines[0]).endsWith("PREFIXES");
        assertThat(lines[1]).endsWith("2001:db8:100::/48,2001:db8:200:1::/64");
        assertThat(lines[2]).endsWith(" -");
    }
}
