package org.mip6kit.ha;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.engine.BindingRecord;
import org.mip6kit.spi.Identity;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNetworkPrefix;
import org.mip6kit.wire.SequenceNumber;

/** A mobile router's registered prefixes (RFC 3963) in both forms of the {@code bindings} answer. */
@Tag("small")
class BindingListingPrefixesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final BindingRecord ROUTER = new BindingRecord(BindingRecord.State.BOUND,
            Ipv6Address.parse("2001:db8:1::100"), Ipv6Address.parse("2001:db8:2::1"), SequenceNumber.of(7),
            Lifetime.ofUnits(150), true, false, Identity.nai("mr1@example.org"), NOW.plusSeconds(600),
            Optional.empty(), List.of(new MobileNetworkPrefix(48, Ipv6Address.parse("2001:db8:100::")),
                    new MobileNetworkPrefix(64, Ipv6Address.parse("2001:db8:200:1::"))));
    private static final BindingRecord HOST = new BindingRecord(BindingRecord.State.BOUND,
            Ipv6Address.parse("2001:db8:1::200"), Ipv6Address.parse("2001:db8:2::2"), SequenceNumber.of(8),
            Lifetime.ofUnits(150), false, false, Identity.nai("mn1@example.org"), NOW.plusSeconds(600),
            Optional.empty());

    @Test
    void streamedAnswerListsEachBindingsPrefixes() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator out = JSON.createGenerator(bytes)) {
            out.writeStartObject();
            BindingListing.write(out, (after, limit) -> after == null ? List.of(ROUTER, HOST) : List.of(),
                    BindingListing.Query.all(), "test", NOW);
            out.writeEndObject();
        }
        JsonNode bindings = JSON.readTree(bytes.toByteArray()).get("bindings");

        assertThat(bindings.get(0).get(BindingListing.MOBILE_ROUTER).asBoolean()).isTrue();
        assertThat(bindings.get(0).get(BindingListing.MOBILE_NETWORK_PREFIXES).toString())
                .isEqualTo("[\"2001:db8:100::/48\",\"2001:db8:200:1::/64\"]");
        assertThat(bindings.get(1).get(BindingListing.MOBILE_NETWORK_PREFIXES).toString()).isEqualTo("[]");
    }

    @Test
    void filledAnswerListsEachBindingsPrefixes() {
        ArrayNode out = JSON.createArrayNode();
        BindingListing.fill(out, List.of(HOST, ROUTER), "test", NOW);

        assertThat(out.get(0).get(BindingListing.MOBILE_NETWORK_PREFIXES).toString())
                .isEqualTo("[\"2001:db8:100::/48\",\"2001:db8:200:1::/64\"]");
        assertThat(out.get(1).get(BindingListing.MOBILE_NETWORK_PREFIXES).toString()).isEqualTo("[]");
    }
}
