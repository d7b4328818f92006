package org.mip6kit.provider.ipsec.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mip6kit.provider.ipsec.xfrm.XfrmMessageTypes.XFRMNLGRP_MIGRATE;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.provider.ipsec.kernel.MobilityPolicySet.Role;
import org.mip6kit.provider.ipsec.xfrm.XfrmMessageTypes;
import org.mip6kit.provider.ipsec.xfrm.XfrmMessages;
import org.mip6kit.provider.ipsec.xfrm.XfrmNetlinkSocket;
import org.mip6kit.provider.ipsec.xfrm.XfrmSelector;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserKmaddress;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserPolicyInfo;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserTmpl;
import org.mip6kit.testing.HostRequirements;

/**
 * The policy sets against the real kernel, each test in its own throwaway network namespace
 * (random name, deleted in {@code finally}), read back with GETPOLICY and with iproute2.
 */
@Tag("large")
class KernelPoliciesTest {
    private static final Duration T = Duration.ofSeconds(5);
    static final InetAddress HOA = MobilityPolicySetTest.HOA;
    static final InetAddress HA = MobilityPolicySetTest.HA;
    static final InetAddress COA = MobilityPolicySetTest.COA;
    static final InetAddress NEW_COA = MobilityPolicySetTest.addr("2001:db8:3::5");

    interface InNamespace {
        void run(XfrmNetlinkSocket socket, String ip, String ns) throws Exception;
    }

    static void inNamespace(InNamespace body) throws Exception {
        HostRequirements.root("creating a network namespace and XFRM policies");
        Path ip = HostRequirements.command("ip", "iproute2");
        byte[] suffix = new byte[4];
        new SecureRandom().nextBytes(suffix);
        String ns = "mip6kern-" + HexFormat.of().formatHex(suffix);
        run(ip.toString(), "netns", "add", ns);
        try (XfrmNetlinkSocket socket = XfrmNetlinkSocket.open(ns)) {
            body.run(socket, ip.toString(), ns);
        } finally {
            run(ip.toString(), "netns", "del", ns);
        }
        assertThat(run(ip.toString(), "netns", "list")).doesNotContain(ns);
    }

    @Test
    void mobileNodeAndHomeAgentSetsInstallReadBackMigrateAndRemove() throws Exception {
        inNamespace((socket, ip, ns) -> {
            PolicyInstaller installer = new PolicyInstaller(XfrmChannel.of(socket), T);
            MobilityPolicySet mn = MobilityPolicySet.builder(Role.MOBILE_NODE, HOA, HA).signallingReqid(7)
                    .mobilePrefixDiscovery(true).payload(COA, 8).build();
            // the HA's set for another MN in the same namespace, so the two sets do not overlap
            InetAddress otherHoa = MobilityPolicySetTest.addr("2001:db8:1::200");
            MobilityPolicySet ha = MobilityPolicySet.builder(Role.HOME_AGENT, otherHoa, HA).signallingReqid(9)
                    .mobilePrefixDiscovery(true).payload(COA, 10).build();
            System.err.println(mn.describe());
            System.err.println(ha.describe());

            installer.install(mn);
            installer.install(ha);
            installer.install(mn); // idempotent

            // GETPOLICY returns exactly what was sent, per policy
            for (MobilityPolicySet set : List.of(mn, ha)) {
                for (MobilityPolicy p : set.policies()) {
                    XfrmMessages.Policy got = socket.getPolicy(p.id(), p.policyType(), T);
                    assertThat(got.info().selector()).as(p.describe()).isEqualTo(p.info().selector());
                    assertThat(got.info().dir()).as(p.describe()).isEqualTo(p.dir());
                    assertThat(got.info().priority()).as(p.describe()).isEqualTo(p.info().priority());
                    assertThat(got.info().index()).as("kernel-assigned index").isNotZero();
                    assertThat(got.templates()).as(p.describe()).isEqualTo(p.templates());
                }
            }
            assertThat(installer.read(mn)).hasSize(6);
            assertThat(installer.read(ha)).hasSize(8);

            // iproute2, an independent decoder, sees the same policies
            String listed = run(ip, "-n", ns, "-6", "xfrm", "policy", "list");
            System.err.println(listed);
            assertThat(count(listed, "\\bdir (in|out|fwd)\\b")).isEqualTo(14);
            String mh = "proto (135|mobility-header|ipv6-mh|mh|mobility)";
            assertThat(listed)
                    .containsPattern("src 2001:db8:1::100/128 dst 2001:db8:1::1/128 " + mh + " type 5\\s+dir out priority 1000")
                    .containsPattern("tmpl src 2001:db8:1::100 dst 2001:db8:1::1\\s+proto esp reqid 7 mode transport")
                    .containsPattern("src 2001:db8:1::1/128 dst 2001:db8:1::100/128 " + mh + " type 6\\s+dir in priority 1000")
                    .containsPattern("src 2001:db8:1::100/128 dst 2001:db8:1::1/128 proto (58|ipv6-icmp|icmpv6) type 146")
                    .containsPattern("src 2001:db8:1::100/128 dst ::/0\\s+dir out priority 1001")
                    .containsPattern("tmpl src 2001:db8:2::5 dst 2001:db8:1::1\\s+proto esp reqid 8 mode tunnel")
                    .containsPattern("src 2001:db8:1::200/128 dst 2001:db8:1::1/128 " + mh + " type 5\\s+dir in priority 1000")
                    .containsPattern("src 2001:db8:1::1/128 dst 2001:db8:1::200/128 " + mh + " type 7\\s+dir out priority 1000")
                    .containsPattern("src 2001:db8:1::200/128 dst ::/0\\s+dir fwd priority 1001")
                    .containsPattern("src ::/0 dst 2001:db8:1::200/128\\s+dir out priority 1001")
                    .containsPattern("tmpl src 2001:db8:1::1 dst 2001:db8:2::5\\s+proto esp reqid 10 mode tunnel");

            // MIGRATE the MN's payload tunnel to a new care-of address with KMADDRESS, watched on group 7
            LinkedBlockingQueue<XfrmNetlinkSocket.XfrmNotification> events = new LinkedBlockingQueue<>();
            XfrmUserKmaddress km = new XfrmUserKmaddress(NEW_COA, HA, XfrmSelector.AF_INET6);
            MobilityPolicySet moved;
            try (XfrmNetlinkSocket.Subscription sub = socket.subscribe(List.of(XFRMNLGRP_MIGRATE), events::add)) {
                moved = installer.migrate(mn, NEW_COA, km);
                MobilityPolicy out = mn.tunnelPolicies().get(0);
                XfrmMessages.Migrate seen = null;
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (seen == null && System.nanoTime() < until) {
                    XfrmNetlinkSocket.XfrmNotification n = events.poll(100, TimeUnit.MILLISECONDS);
                    if (n instanceof XfrmNetlinkSocket.XfrmNotification.Migrated m
                            && m.migrate().id().selector().equals(out.info().selector())
                            && m.migrate().id().dir() == XfrmUserPolicyInfo.DIR_OUT) {
                        seen = m.migrate();
                    }
                }
                assertThat(seen).as("MIGRATE notification on group 7").isNotNull();
                assertThat(seen.kmaddress()).isEqualTo(km);
                assertThat(seen.moves()).singleElement().satisfies(m -> {
                    assertThat(m.oldSaddr()).isEqualTo(COA);
                    assertThat(m.newSaddr()).isEqualTo(NEW_COA);
                    assertThat(m.newDaddr()).isEqualTo(HA);
                    assertThat(m.reqid()).isEqualTo(8);
                    assertThat(m.mode()).isEqualTo(XfrmUserTmpl.MODE_TUNNEL);
                });
            }
            for (MobilityPolicy p : moved.policies()) {
                assertThat(socket.getPolicy(p.id(), p.policyType(), T).templates()).as(p.describe())
                        .isEqualTo(p.templates());
            }
            String afterMove = run(ip, "-n", ns, "-6", "xfrm", "policy", "list");
            assertThat(afterMove)
                    .containsPattern("tmpl src 2001:db8:3::5 dst 2001:db8:1::1\\s+proto esp reqid 8 mode tunnel")
                    .containsPattern("tmpl src 2001:db8:1::1 dst 2001:db8:3::5\\s+proto esp reqid 8 mode tunnel");
            assertThat(count(afterMove, "2001:db8:2::5")).as("only the HA set still names the old care-of").isEqualTo(3);

            // remove: everything goes, a second remove removes nothing
            assertThat(installer.remove(moved)).hasSize(6);
            assertThat(installer.remove(ha)).hasSize(8);
            assertThat(installer.remove(ha)).isEmpty();
            assertThat(run(ip, "-n", ns, "-6", "xfrm", "policy", "list").strip()).isEmpty();
            assertThat(run(ip, "-n", ns, "xfrm", "policy", "list").strip()).isEmpty();
        });
    }

    @Test
    void subPolicySetAndTunnelModeBuInAreAccepted() throws Exception {
        inNamespace((socket, ip, ns) -> {
            PolicyInstaller installer = new PolicyInstaller(XfrmChannel.of(socket), T);
            MobilityPolicySet sub = MobilityPolicySet.builder(Role.HOME_AGENT, HOA, HA)
                    .policyType(XfrmMessageTypes.XFRM_POLICY_TYPE_SUB).payload(COA, 2).build();
            installer.install(sub);
            assertThat(installer.read(sub)).hasSize(6).allMatch(p -> p.policyType() == XfrmMessageTypes.XFRM_POLICY_TYPE_SUB);
            assertThat(run(ip, "-n", ns, "-6", "xfrm", "policy", "list")).contains("ptype sub");
            MobilityPolicySet moved = installer.migrate(sub, NEW_COA, new XfrmUserKmaddress(HA, NEW_COA, XfrmSelector.AF_INET6));
            assertThat(installer.read(moved)).extracting(p -> p.templates()).containsExactlyElementsOf(
                    moved.policies().stream().map(MobilityPolicy::templates).toList());
            assertThat(installer.remove(moved)).hasSize(6);

            // RFC 3776 also allows BU in tunnel mode (CoA -> HA outside, HoA -> HA inside): still dir in on the HA
            XfrmSelector bu = XfrmSelector.mobilityHeader(HA, HOA, 5);
            socket.addPolicy(XfrmUserPolicyInfo.of(bu, XfrmUserPolicyInfo.DIR_IN, XfrmUserPolicyInfo.ACTION_ALLOW, 1000),
                    List.of(XfrmUserTmpl.esp(HA, COA, XfrmUserTmpl.MODE_TUNNEL, 0)),
                    XfrmMessageTypes.XFRM_POLICY_TYPE_MAIN, true, T);
            assertThat(run(ip, "-n", ns, "-6", "xfrm", "policy", "list"))
                    .containsPattern("type 5\\s+dir in priority 1000")
                    .containsPattern("tmpl src 2001:db8:2::5 dst 2001:db8:1::1\\s+proto esp reqid 0 mode tunnel");
            socket.flushPolicies(XfrmMessageTypes.XFRM_POLICY_TYPE_MAIN, T);
            assertThat(run(ip, "-n", ns, "xfrm", "policy", "list").strip()).isEmpty();
        });
    }

    @Test
    void kernelEspCheckNamesWhatThisKernelLacks() throws Exception {
        inNamespace((socket, ip, ns) -> {
            KernelEspCheck.Verdict v = KernelEspCheck.check(ns, T);
            System.err.println("kernel ESP check: " + v);
            if (v.ok()) {
                assertThat(v.text()).startsWith("ESP transport states are supported");
            } else {
                assertThat(v.errno()).isEqualTo(93);
                assertThat(v.text()).contains("EPROTONOSUPPORT").contains("CONFIG_INET6_ESP")
                        .contains("docs/errors.md#kernel-esp");
                assertThat(v.missingOptions()).contains("CONFIG_INET6_ESP");
            }
            assertThat(run(ip, "-n", ns, "xfrm", "state", "list").strip()).as("no probe state left").isEmpty();
        });
    }

    static int count(String text, String regex) {
        return (int) java.util.regex.Pattern.compile(regex).matcher(text).results().count();
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) throw new IOException("timed out: " + String.join(" ", command));
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
            return out;
        } finally {
            p.destroyForcibly();
        }
    }
}
