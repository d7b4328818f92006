package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.daemon.AdminServer;
import org.mip6kit.engine.BindingRecord;
import org.mip6kit.ha.BindingListing;
import org.mip6kit.spi.Identity;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.SequenceNumber;

/**
 * {@code mip6kit ha bindings} pages through a large binding cache with {@code --limit} and
 * {@code --after} and filters by {@code --home-address} and {@code --identity}, against an admin
 * socket that answers {@code bindings} as the home agent does, from 2,500 bindings.
 */
@Tag("medium")
@SuppressWarnings("try")
class HaBindingsPagingTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final int BINDINGS = 2_500;

    @TempDir
    Path dir;

    private final List<ObjectNode> requests = new CopyOnWriteArrayList<>();

    private static Ipv6Address home(int i) {
        return Ipv6Address.of(0x20010db800010000L, i);
    }

    /** Bindings 1..2500; odd ones belong to nai:odd@example.org, even ones to nai:even@example.org. */
    private AdminServer homeAgent(Path socket) throws Exception {
        List<BindingRecord> records = new ArrayList<>();
        for (int i = 1; i <= BINDINGS; i++) {
            records.add(new BindingRecord(BindingRecord.State.BOUND, home(i), Ipv6Address.parse("2001:db8:2::1"),
                    SequenceNumber.of(i), Lifetime.ofUnits(150), false, false,
                    Identity.nai(i % 2 == 1 ? "odd@example.org" : "even@example.org"), NOW.plusSeconds(600),
                    Optional.empty()));
        }
        return AdminServer.builder(socket)
                .streamingCommand("bindings", request -> {
                    requests.add(request.deepCopy());
                    BindingListing.Query query = BindingListing.Query.of(request);
                    return out -> BindingListing.write(out, (after, limit) -> records.stream()
                            .filter(r -> after == null || r.homeAddress().compareTo(after) > 0)
                            .filter(r -> query.accepts(r.identity()))
                            .limit(limit).toList(), query, "test", NOW);
                })
                .start();
    }

    @Test
    void withoutALimitEveryBindingIsListedAPageARequest() throws Exception {
        Path socket = dir.resolve("ha.sock");
        try (AdminServer ha = homeAgent(socket)) {
            CommandRun run = CommandRun.of("ha", "bindings", "--socket", socket.toString(), "--json");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            JsonNode answer = new ObjectMapper().readTree(run.out());
            assertThat(answer.get("count").asInt()).isEqualTo(BINDINGS);
            assertThat(answer.get("next").isNull()).isTrue();
            assertThat(requests).hasSize(3).allMatch(r -> r.get("limit").asInt() <= HaBindingsCommand.PAGE);
            assertThat(requests.get(1).get("after").asText()).isEqualTo(home(1000).toString());
        }
    }

    @Test
    void limitStopsTheListingAndTellsWhereToGoOn() throws Exception {
        Path socket = dir.resolve("ha.sock");
        try (AdminServer ha = homeAgent(socket)) {
            CommandRun first = CommandRun.of("ha", "bindings", "--socket", socket.toString(), "--limit", "3");
            CommandRun second = CommandRun.of("ha", "bindings", "--socket", socket.toString(), "--limit", "2",
                    "--after", home(3).toString(), "--json");

            assertThat(first.exitCode()).as(first.toString()).isZero();
            List<String> lines = first.out().lines().toList();
            assertThat(lines).hasSize(6);
            assertThat(lines.get(1)).startsWith(home(1).toString());
            assertThat(lines.get(4)).isEqualTo("3 bindings");
            assertThat(lines.get(5)).isEqualTo("more bindings follow: --after " + home(3));
            JsonNode answer = new ObjectMapper().readTree(second.out());
            assertThat(answer.get("bindings").get(0).get("homeAddress").asText()).isEqualTo(home(4).toString());
            assertThat(answer.get("next").asText()).isEqualTo(home(5).toString());
        }
    }

    @Test
    void homeAddressFilterListsThatBindingOnly() throws Exception {
        Path socket = dir.resolve("ha.sock");
        try (AdminServer ha = homeAgent(socket)) {
            CommandRun run = CommandRun.of("ha", "bindings", "--socket", socket.toString(), "--json",
                    "--home-address", home(1234).toString());

            JsonNode answer = new ObjectMapper().readTree(run.out());
            assertThat(answer.get("count").asInt()).isEqualTo(1);
            assertThat(answer.get("bindings").get(0).get("homeAddress").asText()).isEqualTo(home(1234).toString());
        }
    }

    @Test
    void identityFilterListsOnlyThatIdentitysBindings() throws Exception {
        Path socket = dir.resolve("ha.sock");
        try (AdminServer ha = homeAgent(socket)) {
            CommandRun run = CommandRun.of("ha", "bindings", "--socket", socket.toString(), "--json",
                    "--identity", "nai:even@example.org", "--limit", "1500");

            JsonNode answer = new ObjectMapper().readTree(run.out());
            assertThat(answer.get("count").asInt()).isEqualTo(BINDINGS / 2);
            assertThat(answer.get("bindings")).allMatch(b -> b.get("identity").asText().equals("nai:even@example.org"));
            assertThat(answer.get("next").isNull()).isTrue();
        }
    }

    @Test
    void limitBelowOneIsAUsageError() throws Exception {
        CommandRun run = CommandRun.of("ha", "bindings", "--socket", dir.resolve("ha.sock").toString(), "--limit", "0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--limit must be at least 1, got 0");
    }

    @Test
    void homeAddressThatIsNotAnAddressIsAUsageErrorNamingTheOption() throws Exception {
        CommandRun run = CommandRun.of("ha", "bindings", "--socket", dir.resolve("ha.sock").toString(),
                "--home-address", "mn1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--home-address must be an IPv6 home address such as 2001:db8:1::100, got 'mn1'");
    }
}
