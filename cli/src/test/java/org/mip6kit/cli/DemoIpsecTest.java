package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.provider.ipsec.lab.CharonLab;
import org.mip6kit.testing.HostRequirements;

/**
 * {@code ./mip6kit demo --provider ipsec-ikev2} for real, in process as a user runs it: two
 * namespaces with a charon each, the reference daemons as child JVMs. The narration must show a
 * home address leased from charon's pool, a binding owned by the IKE identity, the MOBIKE move
 * with the binding following, the deregistration on SIGTERM, exit 0; afterwards no namespace of
 * this run and no charon it started may remain.
 */
@Tag("large")
class DemoIpsecTest {

    private static final String HOA = "(2001:db8:1::10[1-9a-e])";
    private static final String OWNER = Pattern.quote("(ike_id:mn1@example.org)");

    @Test
    void demoRegistersThroughCharonMovesByMobikeDeregistersAndLeavesNothingBehind(@TempDir Path dir)
            throws Exception {
        HostRequirements.root("network namespaces and charon");
        HostRequirements.command("ip", "iproute2");
        HostRequirements.command(CharonLab.CHARON.toString(), CharonLab.PACKAGES);
        for (Path file : List.of(CharonLab.LIBIPSEC_PLUGIN, CharonLab.OPENSSL_PLUGIN, CharonLab.TUN)) {
            if (!Files.exists(file)) {
                HostRequirements.command(file.toString(), CharonLab.PACKAGES + " / modprobe tun");
            }
        }
        Path pcap = dir.resolve("demo.pcap");

        CommandRun run = CommandRun.of("demo", "--provider", "ipsec-ikev2", "--pcap", pcap.toString());

        String out = run.out();
        Matcher ha = Pattern.compile("lab\\s+(mip6demo-ha-([0-9a-f]{8})): .*, PID (\\d+)").matcher(out);
        Matcher mn = Pattern.compile("lab\\s+(mip6demo-mn-([0-9a-f]{8})): .*, PID (\\d+)").matcher(out);
        boolean named = ha.find() & mn.find();
        try {
            assertThat(run.exitCode()).as("%s", run).isZero();
            assertThat(named).as("both lab lines in%n%s", out).isTrue();
            assertThat(ha.group(2)).as("one run, one suffix").isEqualTo(mn.group(2));

            Matcher registered = Pattern.compile("MN\\s+registered \\d+ ms after its start \\(JVM included\\): home "
                    + "address " + HOA + " \\(from the pool\\), care-of address 2001:db8:ff::2").matcher(out);
            assertThat(registered.find()).as("the registration in%n%s", out).isTrue();
            String hoa = Pattern.quote(registered.group(1));
            assertThat(out)
                    .containsPattern("MN\\s+IKEv2 SA mip6kit-mn ESTABLISHED: mn1@example.org \\[2001:db8:ff::2] <-> "
                            + "ha.example.org \\[2001:db8:ff::1], virtual IP " + hoa)
                    .containsPattern("HA\\s+charon's pool \\(get-pools\\): " + hoa + " leased to mn1@example.org")
                    .containsPattern("HA\\s+binding: " + hoa + " -> 2001:db8:ff::2 " + OWNER
                            + " seq=\\d+ lifetime=\\d+s provider ipsec-ikev2")
                    .containsPattern("MN\\s+mn move --care-of 2001:db8:ff::3: the home agent acknowledged")
                    .containsPattern("MN\\s+IKEv2 SA mip6kit-mn now \\[2001:db8:ff::3] <-> \\[2001:db8:ff::1], "
                            + "same virtual IP " + hoa)
                    .containsPattern("HA\\s+binding moved: " + hoa + " -> 2001:db8:ff::3 " + OWNER)
                    .containsPattern("MN\\s+SIGTERM to PID \\d+: exited with 0; its log: .*deregistered")
                    .containsPattern("HA\\s+binding cache: empty")
                    .containsPattern("HA\\s+charon: no IKE SA of mip6kit-ha, pool leases online: none")
                    .containsPattern("HA\\s+SIGTERM to PID \\d+: exited with 0")
                    .contains("namespaces " + ha.group(1) + " and " + mn.group(1) + " deleted");
            Matcher keys = Pattern.compile("keys\\s+removed (\\S+)").matcher(out);
            assertThat(keys.find()).isTrue();
            assertThat(Path.of(keys.group(1))).doesNotExist();
            assertThat(pcap).as("nothing captured").doesNotExist();
        } finally {
            if (named) {
                assertNothingLeft(ha, mn);
            }
        }
    }

    /** No namespace of this run (deleted here if found, after failing) and no charon the demo started. */
    private static void assertNothingLeft(Matcher... labLines) throws Exception {
        String namespaces = new String(new ProcessBuilder("ip", "netns", "list").start().getInputStream()
                .readAllBytes());
        for (Matcher m : labLines) {
            String name = m.group(1);
            long charon = Long.parseLong(m.group(3));
            boolean alive = ProcessHandle.of(charon).map(ProcessHandle::isAlive).orElse(false);
            if (namespaces.contains(name)) {
                new ProcessBuilder("ip", "netns", "del", name).start().waitFor(10, TimeUnit.SECONDS);
            }
            assertThat(namespaces).as("namespace %s of this run", name).doesNotContain(name);
            assertThat(alive).as("charon PID %d it started", charon).isFalse();
        }
    }
}
