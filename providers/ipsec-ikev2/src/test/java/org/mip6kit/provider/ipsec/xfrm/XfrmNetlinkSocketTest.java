package org.mip6kit.provider.ipsec.xfrm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mip6kit.provider.ipsec.xfrm.XfrmMessageTypes.XFRMNLGRP_MIGRATE;
import static org.mip6kit.provider.ipsec.xfrm.XfrmMessageTypes.XFRM_POLICY_TYPE_MAIN;
import static org.mip6kit.provider.ipsec.xfrm.XfrmMessageTypes.XFRM_POLICY_TYPE_SUB;

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
import org.mip6kit.testing.HostRequirements;

/**
 * The XFRM netlink socket against the real kernel, in a throwaway network namespace (random name,
 * deleted in {@code finally}), cross-checked with iproute2's {@code ip xfrm policy}.
 */
@Tag("large")
class XfrmNetlinkSocketTest {
    private static final Duration T = Duration.ofSeconds(5);

    @Test
    void policyLifecycleMigrateAndProbeAgreeWithTheKernelAndIproute2() throws Exception {
        HostRequirements.root("creating a network namespace and XFRM policies");
        Path ip = HostRequirements.command("ip", "iproute2");
        byte[] suffix = new byte[4];
        new SecureRandom().nextBytes(suffix);
        String ns = "mip6xfrm-" + HexFormat.of().formatHex(suffix);
        run(ip.toString(), "netns", "add", ns);
        try (XfrmNetlinkSocket socket = XfrmNetlinkSocket.open(ns)) {
            exercise(socket, ip.toString(), ns);
        } finally {
            run(ip.toString(), "netns", "del", ns);
        }
        assertThat(run(ip.toString(), "netns", "list")).doesNotContain(ns);
    }

    private void exercise(XfrmNetlinkSocket socket, String ip, String ns) throws Exception {
        InetAddress mn = InetAddress.getByName("2001:db8:2::1");
        InetAddress ha = InetAddress.getByName("2001:db8:1::1");
        InetAddress newCoa = InetAddress.getByName("2001:db8:3::1");
        XfrmSelector bu = XfrmSelector.mobilityHeader(ha, mn, 5);
        XfrmUserTmpl tmpl = XfrmUserTmpl.esp(ha, mn, XfrmUserTmpl.MODE_TRANSPORT, 0);
        XfrmUserPolicyId id = new XfrmUserPolicyId(bu, 0, XfrmUserPolicyInfo.DIR_OUT);

        // NEW, GET back
        socket.addPolicy(XfrmUserPolicyInfo.of(bu, XfrmUserPolicyInfo.DIR_OUT, XfrmUserPolicyInfo.ACTION_ALLOW, 10),
                List.of(tmpl), XFRM_POLICY_TYPE_MAIN, false, T);
        XfrmMessages.Policy got = socket.getPolicy(id, XFRM_POLICY_TYPE_MAIN, T);
        assertThat(got.info().selector()).isEqualTo(bu);
        assertThat(got.info().selector().mobilityHeaderType()).isEqualTo(5);
        assertThat(got.info().priority()).isEqualTo(10);
        assertThat(got.info().dir()).isEqualTo(XfrmUserPolicyInfo.DIR_OUT);
        assertThat(got.templates()).containsExactly(tmpl);
        assertThat(got.policyType()).isEqualTo(XFRM_POLICY_TYPE_MAIN);

        // UPD: priority change
        socket.addPolicy(XfrmUserPolicyInfo.of(bu, XfrmUserPolicyInfo.DIR_OUT, XfrmUserPolicyInfo.ACTION_ALLOW, 20),
                List.of(tmpl), XFRM_POLICY_TYPE_MAIN, true, T);
        assertThat(socket.getPolicy(id, XFRM_POLICY_TYPE_MAIN, T).info().priority()).isEqualTo(20);

        // NEW again: EEXIST
        assertThatThrownBy(() -> socket.addPolicy(
                XfrmUserPolicyInfo.of(bu, XfrmUserPolicyInfo.DIR_OUT, XfrmUserPolicyInfo.ACTION_ALLOW, 20),
                List.of(tmpl), XFRM_POLICY_TYPE_MAIN, false, T))
                .isInstanceOfSatisfying(XfrmException.class, e -> {
                    assertThat(e.errno()).isEqualTo(17);
                    assertThat(e.getMessage()).contains("EEXIST").contains("NEWPOLICY");
                });

        // iproute2 sees it: MH (protocol 135, named from /etc/protocols when present) type 5, out, priority 20
        String listed = run(ip, "-n", ns, "-6", "xfrm", "policy", "list");
        assertThat(listed).containsPattern("src 2001:db8:2::1/128 dst 2001:db8:1::1/128 proto "
                + "(135|mobility-header|ipv6-mh|mh|mobility) type 5")
                .containsPattern("dir out priority 20")
                .containsPattern("tmpl src 2001:db8:2::1 dst 2001:db8:1::1\\s+proto esp reqid 0 mode transport");

        // MIGRATE with KMADDRESS to a new care-of address, watching group 7. The kernel acks a MIGRATE of
        // the transport-mode BU policy but leaves its template as it is (a transport template's addresses
        // are not endpoints: xfrm_policy_migrate only rewrites tunnel/BEET templates), so the care-of move
        // is checked on a tunnel-mode policy between CoA and HA, as for HoTI (RFC 3776 §4.2).
        LinkedBlockingQueue<XfrmNetlinkSocket.XfrmNotification> events = new LinkedBlockingQueue<>();
        try (XfrmNetlinkSocket.Subscription sub = socket.subscribe(List.of(XFRMNLGRP_MIGRATE), events::add)) {
            XfrmUserKmaddress km = new XfrmUserKmaddress(newCoa, ha, XfrmSelector.AF_INET6);
            XfrmUserMigrate transportMove = new XfrmUserMigrate(ha, mn, ha, newCoa, XfrmUserTmpl.IPPROTO_ESP,
                    XfrmUserTmpl.MODE_TRANSPORT, 0, XfrmSelector.AF_INET6, XfrmSelector.AF_INET6);
            socket.migrate(id, List.of(transportMove), km, XFRM_POLICY_TYPE_MAIN, T);
            assertThat(socket.getPolicy(id, XFRM_POLICY_TYPE_MAIN, T).templates()).containsExactly(tmpl);

            InetAddress oldCoa = InetAddress.getByName("2001:db8:4::1");
            XfrmSelector hoti = XfrmSelector.mobilityHeader(ha, mn, 1);
            XfrmUserPolicyId hotiId = new XfrmUserPolicyId(hoti, 0, XfrmUserPolicyInfo.DIR_OUT);
            socket.addPolicy(XfrmUserPolicyInfo.of(hoti, XfrmUserPolicyInfo.DIR_OUT,
                    XfrmUserPolicyInfo.ACTION_ALLOW, 10),
                    List.of(XfrmUserTmpl.esp(ha, oldCoa, XfrmUserTmpl.MODE_TUNNEL, 0)), XFRM_POLICY_TYPE_MAIN, false, T);
            XfrmUserMigrate tunnelMove = new XfrmUserMigrate(ha, oldCoa, ha, newCoa, XfrmUserTmpl.IPPROTO_ESP,
                    XfrmUserTmpl.MODE_TUNNEL, 0, XfrmSelector.AF_INET6, XfrmSelector.AF_INET6);
            socket.migrate(hotiId, List.of(tunnelMove), km, XFRM_POLICY_TYPE_MAIN, T);
            assertThat(socket.getPolicy(hotiId, XFRM_POLICY_TYPE_MAIN, T).templates())
                    .extracting(XfrmUserTmpl::saddr).containsExactly(newCoa);
            assertThat(run(ip, "-n", ns, "-6", "xfrm", "policy", "list"))
                    .containsPattern("tmpl src 2001:db8:3::1 dst 2001:db8:1::1\\s+proto esp reqid 0 mode tunnel")
                    .doesNotContain("2001:db8:4::1");

            XfrmMessages.Migrate seen = null;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (seen == null && System.nanoTime() < until) {
                XfrmNetlinkSocket.XfrmNotification n = events.poll(100, TimeUnit.MILLISECONDS);
                if (n instanceof XfrmNetlinkSocket.XfrmNotification.Migrated m
                        && m.migrate().id().selector().equals(hoti)) {
                    seen = m.migrate();
                }
            }
            assertThat(seen).as("MIGRATE notification on group 7").isNotNull();
            assertThat(seen.moves()).containsExactly(tunnelMove);
            assertThat(seen.kmaddress()).isEqualTo(km);
            socket.deletePolicy(hotiId, XFRM_POLICY_TYPE_MAIN, T);
        }

        // DEL: gone for the kernel and for iproute2; a second DEL is ENOENT
        socket.deletePolicy(id, XFRM_POLICY_TYPE_MAIN, T);
        assertThatThrownBy(() -> socket.getPolicy(id, XFRM_POLICY_TYPE_MAIN, T))
                .isInstanceOfSatisfying(XfrmException.class, e -> assertThat(e.errnoName()).isEqualTo("ENOENT"));
        assertThat(run(ip, "-n", ns, "-6", "xfrm", "policy", "list")).doesNotContain("2001:db8:1::1");

        // FLUSH main and sub: a sub policy is installed, seen, flushed
        XfrmSelector ba = XfrmSelector.mobilityHeader(mn, ha, 6);
        XfrmUserPolicyId baId = new XfrmUserPolicyId(ba, 0, XfrmUserPolicyInfo.DIR_IN);
        socket.addPolicy(XfrmUserPolicyInfo.of(ba, XfrmUserPolicyInfo.DIR_IN, XfrmUserPolicyInfo.ACTION_ALLOW, 5),
                List.of(XfrmUserTmpl.esp(mn, ha, XfrmUserTmpl.MODE_TRANSPORT, 0)), XFRM_POLICY_TYPE_SUB, false, T);
        socket.addPolicy(XfrmUserPolicyInfo.of(bu, XfrmUserPolicyInfo.DIR_OUT, XfrmUserPolicyInfo.ACTION_ALLOW, 5),
                List.of(tmpl), XFRM_POLICY_TYPE_MAIN, false, T);
        assertThat(socket.getPolicy(baId, XFRM_POLICY_TYPE_SUB, T).policyType()).isEqualTo(XFRM_POLICY_TYPE_SUB);
        assertThat(run(ip, "-n", ns, "-6", "xfrm", "policy", "list")).contains("ptype sub").contains("ptype main");
        socket.flushPolicies(XFRM_POLICY_TYPE_SUB, T);
        assertThatThrownBy(() -> socket.getPolicy(baId, XFRM_POLICY_TYPE_SUB, T))
                .isInstanceOfSatisfying(XfrmException.class, e -> assertThat(e.errno()).isEqualTo(2));
        assertThat(socket.getPolicy(id, XFRM_POLICY_TYPE_MAIN, T).info().priority()).isEqualTo(5);
        socket.flushPolicies(XFRM_POLICY_TYPE_MAIN, T);
        assertThat(run(ip, "-n", ns, "-6", "xfrm", "policy", "list").strip()).isEmpty();

        // capability probe: on this kind of host (no CONFIG_INET6_ESP) the NEWSA is refused
        XfrmCapabilityProbe.Result probe = XfrmCapabilityProbe.probe(socket, T);
        System.err.println("XFRM capability probe: " + probe);
        if (probe.espStates()) {
            assertThat(probe.report()).startsWith("ESP transport states are supported");
            assertThat(run(ip, "-n", ns, "xfrm", "state", "list").strip()).isEmpty();
        } else {
            assertThat(probe.errno()).isEqualTo(93);
            assertThat(probe.report()).contains("no ESP/AH states").contains("CONFIG_INET6_ESP")
                    .contains("EPROTONOSUPPORT");
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
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
