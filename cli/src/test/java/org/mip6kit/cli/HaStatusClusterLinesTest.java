package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The human {@code ha status}: the cluster lines appear with an enabled cluster, and only then. */
@Tag("small")
class HaStatusClusterLinesTest {

    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    @Test
    void aClusterMemberNamesItselfWhatItServesAndFromWhom() throws Exception {
        JsonNode status = json("""
                {"homeAgent":"2001:db8:1::a","cluster":{"enabled":true,"member":"ha-a","members":2,
                 "served":{"2001:db8:1::a":"ha-a","2001:db8:1::b":"ha-a","2001:db8:1::c":"ha-c"},
                 "servedHere":[{"address":"2001:db8:1::a","udp":"[2001:db8:1::a]:4191","bindings":3,"takenOverFrom":null},
                               {"address":"2001:db8:1::b","udp":"[2001:db8:1::b]:4191","bindings":5,"takenOverFrom":"ha-b"}]}}
                """);
        assertThat(HaStatusCommand.describe(status)).containsSubsequence(
                "cluster:        member ha-a of 2 members",
                "  serving 2001:db8:1::a on udp [2001:db8:1::a]:4191, 3 bindings (own address)",
                "  serving 2001:db8:1::b on udp [2001:db8:1::b]:4191, 5 bindings (taken over from ha-b)",
                "  served in the cluster: 2001:db8:1::a by ha-a, 2001:db8:1::b by ha-a, 2001:db8:1::c by ha-c");
    }

    @Test
    void withoutAClusterThereIsNoClusterLine() throws Exception {
        JsonNode status = json("{\"homeAgent\":\"2001:db8:1::a\",\"cluster\":{\"enabled\":false}}");
        assertThat(HaStatusCommand.describe(status)).noneMatch(l -> l.startsWith("cluster:"));
    }
}
