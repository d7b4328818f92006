package org.mip6kit.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.daemon.AdminException;
import org.mip6kit.engine.BindingRecord;
import org.mip6kit.spi.Identity;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.SequenceNumber;

/** The streamed {@code bindings} answer: pages, cursor, filters, and never more than a page read at once. */
@Tag("small")
class BindingListingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    /** A binding cache of sorted records that remembers the largest page it was asked for and gave. */
    private static final class CountingSource implements BindingListing.BindingSource {
        final List<BindingRecord> sorted;
        final List<Ipv6Address> addresses;
        int largestAsked;
        int largestGiven;
        int pages;

        CountingSource(List<BindingRecord> records) {
            this.sorted = records.stream().sorted((a, b) -> a.homeAddress().compareTo(b.homeAddress())).toList();
            this.addresses = sorted.stream().map(BindingRecord::homeAddress).toList();
        }

        @Override
        public List<BindingRecord> page(Ipv6Address after, int limit) {
            pages++;
            largestAsked = Math.max(largestAsked, limit);
            int from = 0;
            if (after != null) {
                int i = Collections.binarySearch(addresses, after);
                from = i >= 0 ? i + 1 : -i - 1;
            }
            List<BindingRecord> page = sorted.subList(from, Math.min(sorted.size(), from + limit));
            largestGiven = Math.max(largestGiven, page.size());
            return page;
        }
    }

    private static BindingRecord record(Ipv6Address hoa, String nai) {
        return new BindingRecord(BindingRecord.State.BOUND, hoa, Ipv6Address.parse("2001:db8:2::1"),
                SequenceNumber.of(7), Lifetime.ofUnits(150), false, false, Identity.nai(nai),
                NOW.plusSeconds(600), Optional.empty());
    }

    private static JsonNode answer(BindingListing.BindingSource source, BindingListing.Query query) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator out = JSON.createGenerator(bytes)) {
            out.writeStartObject();
            BindingListing.write(out, source, query, "test", NOW);
            out.writeEndObject();
        }
        return JSON.readTree(bytes.toByteArray());
    }

    private static Ipv6Address home(int i) {
        return Ipv6Address.of(0x20010db800010000L, i);
    }

    @Test
    void listingOfAHundredThousandBindingsNeverReadsMoreThanAPageAtATime() throws Exception {
        Random rnd = new Random(1);
        List<BindingRecord> records = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            records.add(record(Ipv6Address.of(rnd.nextLong(), rnd.nextLong()), "mn" + i + "@example.org"));
        }
        CountingSource source = new CountingSource(records);

        JsonNode answer = answer(source, BindingListing.Query.all());

        assertThat(answer.get("count").asInt()).isEqualTo(100_000);
        assertThat(answer.get("bindings")).hasSize(100_000);
        assertThat(answer.get("next").isNull()).isTrue();
        assertThat(answer.get("bindings").get(0).get(BindingListing.HOME_ADDRESS).asText())
                .isEqualTo(source.sorted.get(0).homeAddress().toString());
        assertThat(source.largestAsked).isEqualTo(BindingListing.PAGE);
        assertThat(source.largestGiven).isEqualTo(BindingListing.PAGE);
        assertThat(source.pages).isEqualTo(100_000 / BindingListing.PAGE + 1);
    }

    @Test
    void limitCutsTheListingAndNextIsWhereTheFollowingPageStarts() throws Exception {
        List<BindingRecord> records = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            records.add(record(home(i), "mn@example.org"));
        }
        CountingSource source = new CountingSource(records);

        JsonNode first = answer(source, new BindingListing.Query(null, 4, null, null));
        JsonNode second = answer(source, new BindingListing.Query(home(4), 6, null, null));

        assertThat(first.get("count").asInt()).isEqualTo(4);
        assertThat(first.get("next").asText()).isEqualTo(home(4).toString());
        assertThat(second.get("count").asInt()).isEqualTo(6);
        assertThat(second.get("bindings").get(0).get(BindingListing.HOME_ADDRESS).asText()).isEqualTo(home(5).toString());
        assertThat(second.get("next").isNull()).as("nothing follows the last binding").isTrue();
    }

    @Test
    void homeAddressFilterListsThatBindingOnly() throws Exception {
        List<BindingRecord> records = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            records.add(record(home(i), "mn@example.org"));
        }

        JsonNode answer = answer(new CountingSource(records), new BindingListing.Query(null, Long.MAX_VALUE, home(7), null));
        JsonNode missing = answer(new CountingSource(records), new BindingListing.Query(null, Long.MAX_VALUE, home(70), null));

        assertThat(answer.get("bindings")).hasSize(1);
        assertThat(answer.get("bindings").get(0).get(BindingListing.HOME_ADDRESS).asText()).isEqualTo(home(7).toString());
        assertThat(missing.get("count").asInt()).isZero();
    }

    @Test
    void identityFilterAcceptsKindAndValueOrTheValueAlone() throws Exception {
        ObjectNode request = JSON.createObjectNode().put("command", "bindings").put("identity", "nai:a@example.org");
        BindingListing.Query query = BindingListing.Query.of(request);
        BindingListing.Query byValue = BindingListing.Query.of(request.put("identity", "a@example.org"));

        assertThat(query.accepts(Identity.nai("a@example.org"))).isTrue();
        assertThat(query.accepts(Identity.nai("b@example.org"))).isFalse();
        assertThat(byValue.accepts(Identity.nai("a@example.org"))).isTrue();
    }

    @Test
    void requestWithALimitBelowOneIsRefusedNamingTheField() {
        ObjectNode request = JSON.createObjectNode().put("command", "bindings").put("limit", 0);
        assertThatThrownBy(() -> BindingListing.Query.of(request))
                .isInstanceOf(AdminException.class)
                .hasMessageStartingWith("\"limit\" must be a whole number of at least 1, got 0");
    }

    @Test
    void requestWithAnAfterThatIsNotAnAddressIsRefusedNamingTheField() {
        ObjectNode request = JSON.createObjectNode().put("command", "bindings").put("after", "home");
        assertThatThrownBy(() -> BindingListing.Query.of(request))
                .isInstanceOf(AdminException.class)
                .hasMessageStartingWith("\"after\" must be an IPv6 home address");
    }
}
