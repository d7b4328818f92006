package org.mip6kit.provider.ipsec.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mip6kit.provider.ipsec.testbed.CharonTestbed.HA_INNER;
import static org.mip6kit.provider.ipsec.testbed.CharonTestbed.HA_OUTER;
import static org.mip6kit.provider.ipsec.testbed.CharonTestbed.LINK_PREFIX_LENGTH;
import static org.mip6kit.provider.ipsec.testbed.CharonTestbed.MN_CARE_OF;
import static org.mip6kit.provider.ipsec.testbed.CharonTestbed.MN_CARE_OF_2;
import static org.mip6kit.provider.ipsec.testbed.CharonTestbed.VETH;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.provider.ipsec.testbed.CharonTestbed.ExecResult;
import org.mip6kit.provider.ipsec.testbed.CharonTestbed.Side;
import org.mip6kit.provider.ipsec.testbed.MobilityHeaderProbe.Packet;
import org.mip6kit.provider.ipsec.vici.ViciClient;
import org.mip6kit.provider.ipsec.vici.ViciMessage;
import org.mip6kit.provider.ipsec.vici.ViciValue;
import org.mip6kit.testing.HostRequirements;

/**
 * The data-path facts the {@code libipsec} mode of the ipsec-ikev2 provider relies on, checked
 * against two real charons (kernel-libipsec) in a {@link CharonTestbed}: where the TUN device,
 * the home address and the routes are; that Mobility Header packets between the home address
 * and the HA's inner address cross the tunnel and arrive on the TUN device, while a forged
 * source is dropped by libipsec and a plain packet arrives on the veth; that MOBIKE follows a
 * care-of change by itself; what IKE costs on the wire; and the shapes of the VICI events and
 * answers. Each fact is printed to stderr (prefix {@code FACT}) and the VICI shapes are written
 * to {@code target/vici-shapes.txt}.
 */
@Tag("large")
class LibipsecDataPathTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration SHORT = Duration.ofSeconds(3);
    private static final String FORGED = "2001:db8:1::1:99";
    private static final Pattern TUN_LINE = Pattern.compile("^(\\d+): ([^:@]+)[:@]");

    @TempDir Path dir;

    private record Tun(int index, String name) {}

    @Test
    void mobilityHeaderCrossesTheTunnelOnTheTunOnlyAndFollowsACareOfChange() throws Exception {
        Path python = HostRequirements.command("python3", "python3");
        Path tshark = HostRequirements.command("tshark", "tshark");
        long testStart = System.nanoTime();
        Map<String, String> shapes = new LinkedHashMap<>();
        try (CharonTestbed bed = CharonTestbed.start(dir)) {
            fact("set-up (namespaces, veth, two charons, VICI up): %d ms", ms(testStart));
            HomeTunnelConfig cfg = HomeTunnelConfig.standard();
            ViciClient ha = bed.vici(Side.HA);
            ViciClient mn = bed.vici(Side.MN);
            ViciEventLog haEvents = ViciEventLog.subscribe(ha, "ike-updown", "child-updown", "ike-update",
                    "child-rekey");
            ViciEventLog mnEvents = ViciEventLog.subscribe(mn, "ike-updown", "child-updown", "ike-update",
                    "child-rekey");
            cfg.load(ha, mn);

            // (a) kernel-libipsec makes its TUN device when charon starts, before any SA.
            Tun mnTun = onlyTun(bed, Side.MN);
            Tun haTun = onlyTun(bed, Side.HA);
            assertThat(mnTun.name()).isEqualTo("ipsec0");
            assertThat(haTun.name()).isEqualTo("ipsec0");
            Map<String, String> pluginKeys = libipsecSettings();
            assertThat(pluginKeys.keySet()).as("strongswan.conf keys kernel-libipsec reads, and its TUN name template")
                    .containsExactlyInAnyOrder("install_virtual_ip_on", "plugins.kernel-libipsec.allow_peer_ts",
                            "tun-name-template");
            assertThat(pluginKeys).containsEntry("tun-name-template", "ipsec%d");
            fact("(a) TUN before initiate: MN %s, HA %s; name template compiled into the plugin: '%s';"
                    + " strongswan.conf keys the plugin reads: %s", mnTun, haTun, "ipsec%d", pluginKeys.keySet());

            // (f) capture IKE on the HA's veth while the MN initiates (tshark decodes live, one line a packet).
            Path tsharkErr = dir.resolve("tshark.stderr");
            Process capture = bed.spawn(Side.HA, tsharkErr, tshark.toString(), "-l", "-i", VETH,
                    "-f", "udp port 500 or udp port 4500", "-Y", "isakmp", "-T", "fields", "-E", "separator=,",
                    "-e", "frame.len", "-e", "isakmp.length", "-e", "isakmp.exchangetype",
                    "-e", "udp.srcport", "-e", "udp.dstport", "-e", "ipv6.src");
            BlockingQueue<String> captured = new LinkedBlockingQueue<>();
            awaitFileContains(tsharkErr, "Capture started", WAIT);

            List<ViciMessage> initiateLog = new CopyOnWriteArrayList<>();
            long t0 = System.nanoTime();
            ViciMessage initiated = get(mn.request("initiate", cfg.initiateRequest(10_000), "control-log",
                    initiateLog::add));
            long initiateMs = ms(t0);
            ViciEventLog.Timed mnChildUp = mnEvents.await("child-updown", ViciEventLog::isUp, WAIT);
            ViciEventLog.Timed haChildUp = haEvents.await("child-updown", ViciEventLog::isUp, WAIT);
            ViciEventLog.Timed mnIkeUp = mnEvents.await("ike-updown", ViciEventLog::isUp, WAIT);
            ViciEventLog.Timed haIkeUp = haEvents.await("ike-updown", ViciEventLog::isUp, WAIT);
            assertThat(initiated.text("success")).contains("yes");
            fact("(f) initiate -> response %d ms; -> child-updown(up) at the MN %.1f ms, at the HA %.1f ms",
                    initiateMs, (mnChildUp.nanos() - t0) / 1e6, (haChildUp.nanos() - t0) / 1e6);

            List<String[]> ike = ikePackets(capture, tsharkErr, captured);
            Map<String, int[]> perExchange = new LinkedHashMap<>();
            for (String[] f : ike) {
                int[] acc = perExchange.computeIfAbsent(exchangeName(f[2]) + " " + f[3] + "->" + f[4],
                        k -> new int[3]);
                acc[0]++;
                acc[1] += Integer.parseInt(f[0]);
                acc[2] += Integer.parseInt(f[1]);
            }
            assertThat(ike).filteredOn(f -> exchangeName(f[2]).equals("IKE_SA_INIT")).hasSize(2);
            assertThat(ike).filteredOn(f -> exchangeName(f[2]).equals("IKE_AUTH")).hasSizeGreaterThanOrEqualTo(2);
            StringBuilder wire = new StringBuilder();
            perExchange.forEach((k, v) -> wire.append(String.format("%n    %-38s packets %d, frame octets %d,"
                    + " IKE message octets %d", k, v[0], v[1], v[2])));
            for (String[] f : ike) {
                wire.append(String.format("%n      %s %s %s->%s frame %s IKE %s", f[5], exchangeName(f[2]), f[3],
                        f[4], f[0], f[1]));
            }
            fact("(f) IKE on the HA's veth during initiate (frame = Ethernet frame; IKE = isakmp.length):%s", wire);

            // (a) the home address, where it is, and the routes.
            ViciMessage mnSa = mnIkeUp.message().section(cfg.connection()).orElseThrow();
            List<ViciValue> vips = mnSa.list("local-vips");
            assertThat(vips).hasSize(1);
            String hoa = canonical(vips.get(0).text());
            assertThat(hoa).startsWith("2001:db8:1::10");
            assertThat(addresses(bed, Side.MN, mnTun.name())).contains(hoa + "/128");
            assertThat(addresses(bed, Side.MN, VETH)).doesNotContain(hoa + "/128");
            assertThat(addresses(bed, Side.MN, "lo")).doesNotContain(hoa + "/128");
            String mnRules = bed.exec(Side.MN, "ip", "-6", "rule", "show").checked().stdout();
            String mnTable = bed.exec(Side.MN, "ip", "-6", "route", "show", "table", "220").checked().stdout();
            String haTable = bed.exec(Side.HA, "ip", "-6", "route", "show", "table", "220").checked().stdout();
            assertThat(mnRules).contains("lookup 220");
            assertThat(mnTable).contains("2001:db8:1::/64 dev ipsec0").contains("src " + hoa);
            assertThat(haTable).contains(hoa + " dev ipsec0").contains("src " + HA_INNER);
            String mnGet = bed.exec(Side.MN, "ip", "-6", "route", "get", HA_INNER).checked().stdout();
            String haGet = bed.exec(Side.HA, "ip", "-6", "route", "get", hoa).checked().stdout();
            assertThat(mnGet).contains("dev ipsec0").contains("table 220").contains("src " + hoa);
            assertThat(haGet).contains("dev ipsec0").contains("table 220").contains("src " + HA_INNER);
            fact("(a) HoA %s is on the MN's %s as /128 (not on veth0/lo)."
                    + "%n    MN ip -6 rule:%n%s%n    MN table 220:%n%s%n    HA table 220:%n%s"
                    + "%n    MN route get %s: %s%n    HA route get %s: %s",
                    hoa, mnTun.name(), indent(mnRules), indent(mnTable), indent(haTable),
                    HA_INNER, mnGet.strip(), hoa, haGet.strip());

            // (b) MH through the tunnel, both ways, arrives on the TUN device.
            MobilityHeaderProbe probe = new MobilityHeaderProbe(bed, python, dir);
            MobilityHeaderProbe.Receiver haRx = probe.receiver(Side.HA, Duration.ofSeconds(25));
            MobilityHeaderProbe.Receiver mnRx = probe.receiver(Side.MN, Duration.ofSeconds(25));
            assertThat(probe.send(Side.MN, hoa, HA_INNER, 1, null).checked().stdout()).contains("SENT 16");
            Packet bu = haRx.await(1, WAIT).orElseThrow(() -> new AssertionError("BU through the tunnel lost"));
            assertThat(bu.ifindex()).isEqualTo(haTun.index());
            assertThat(bu.source()).isEqualTo(hoa);
            assertThat(bu.destination()).isEqualTo(HA_INNER);
            assertThat(bu.mhType()).isEqualTo(5);
            assertThat(probe.send(Side.HA, HA_INNER, hoa, 2, null).checked().stdout()).contains("SENT 16");
            Packet back = mnRx.await(2, WAIT).orElseThrow(() -> new AssertionError("HA -> HoA lost"));
            assertThat(back.ifindex()).isEqualTo(mnTun.index());
            assertThat(back.source()).isEqualTo(HA_INNER);
            assertThat(back.destination()).isEqualTo(hoa);
            fact("(b) MN->HA through the tunnel arrives at the HA as %s%n    HA->MN arrives at the MN as %s", bu, back);

            // (c) a forged home-prefix source routed into the tunnel.
            bed.addAddress(Side.MN, mnTun.name(), FORGED + "/128");
            String forgedRoute = bed.exec(Side.MN, "ip", "-6", "route", "get", HA_INNER, "from", FORGED)
                    .checked().stdout();
            assertThat(forgedRoute).contains("dev ipsec0");
            assertThat(probe.send(Side.MN, FORGED, HA_INNER, 3, null).checked().stdout()).contains("SENT 16");
            assertThat(probe.send(Side.MN, hoa, HA_INNER, 4, null).checked().stdout()).contains("SENT 16");
            Packet after = haRx.await(4, WAIT).orElseThrow(() -> new AssertionError("legitimate BU after forged lost"));
            assertThat(after.source()).isEqualTo(hoa);
            assertThat(haRx.seen()).noneMatch(p -> p.sequence() == 3 || p.source().equals(FORGED));
            String dropLine = awaitLogLine(bed, Side.MN,
                    "no matching outbound IPsec policy for " + FORGED + " == " + HA_INNER, SHORT);
            assertThat(dropLine).matches(".*\\[ESP\\] no matching outbound IPsec policy for .* \\[\\d+\\]");
            assertThat(bed.charonLogText(Side.HA).lines().filter(l -> l.contains("due to policy")))
                    .noneMatch(l -> l.contains(FORGED));
            bed.removeAddress(Side.MN, mnTun.name(), FORGED + "/128");
            String advertised = bed.charonLogText(Side.HA).lines()
                    .filter(l -> l.contains("MOBIKE peer address: " + FORGED)).findFirst().orElse("(none)");
            fact("(c) forged source %s via %s: dropped by libipsec on the MN (outbound policy lookup), never"
                    + " encrypted, nothing reaches the HA; MN charon log: '%s'."
                    + "%n    Side effect: the MN's charon advertises an address added on its TUN by MOBIKE; HA log: '%s'",
                    FORGED, forgedRoute.strip(), dropLine.strip(), advertised.strip());

            // (d) a plain packet from the MN's veth with the HoA as source.
            bed.exec(Side.MN, "ip", "-6", "route", "add", HA_INNER + "/128", "via", HA_OUTER, "dev", VETH).checked();
            assertThat(probe.send(Side.MN, hoa, HA_INNER, 5, VETH).checked().stdout()).contains("SENT 16");
            Packet plain = haRx.await(5, WAIT).orElseThrow(() -> new AssertionError("plain BU lost"));
            int haVeth = ifindex(bed, Side.HA, VETH);
            assertThat(plain.ifindex()).isEqualTo(haVeth).isNotEqualTo(haTun.index());
            assertThat(plain.source()).isEqualTo(hoa);
            bed.exec(Side.MN, "ip", "-6", "route", "del", HA_INNER + "/128", "via", HA_OUTER, "dev", VETH).checked();
            fact("(d) plain HoA->%s from the MN's veth (SO_BINDTODEVICE + main-table route) arrives at the HA as %s",
                    HA_INNER, plain);

            // list-sas and get-pools (g), before the move.
            List<ViciMessage> listed = listSas(mn, cfg.connection());
            assertThat(listed).hasSize(1);
            List<ViciMessage> haListed = listSas(ha, cfg.connection());
            ViciMessage pools = get(ha.request("get-pools", ViciMessage.builder().add("leases", "yes").build()));
            ViciMessage lease = pools.section(cfg.pool()).orElseThrow().section("leases").orElseThrow()
                    .section("0").orElseThrow();
            assertThat(lease.text("address")).hasValueSatisfying(a -> assertThat(canonical(a)).isEqualTo(hoa));
            assertThat(lease.text("identity")).contains(cfg.mnId());
            assertThat(lease.text("status")).contains("online");

            // (e) MOBIKE: new care-of address, old one removed.
            long tMove = System.nanoTime();
            bed.addAddress(Side.MN, VETH, MN_CARE_OF_2 + "/" + LINK_PREFIX_LENGTH);
            bed.removeAddress(Side.MN, VETH, MN_CARE_OF + "/" + LINK_PREFIX_LENGTH);
            // ike-update: top-level local-host/remote-host are the NEW addresses, the IKE_SA section
            // inside still shows the old ones (the event is raised before the SA is updated).
            ViciEventLog.Timed mnUpdate = mnEvents.await("ike-update",
                    m -> m.text("local-host").filter(MN_CARE_OF_2::equals).isPresent(), WAIT);
            ViciEventLog.Timed haUpdate = haEvents.await("ike-update",
                    m -> m.text("remote-host").filter(MN_CARE_OF_2::equals).isPresent(), WAIT);
            assertThat(mnUpdate.message().text("remote-host")).contains(HA_OUTER);
            assertThat(haUpdate.message().text("local-host")).contains(HA_OUTER);
            assertThat(mnUpdate.message().section(cfg.connection()).orElseThrow().text("local-host"))
                    .contains(MN_CARE_OF);
            assertThat(haUpdate.message().section(cfg.connection()).orElseThrow().text("remote-host"))
                    .contains(MN_CARE_OF);
            // The HA also reported the port float 500 -> 4500 during IKE_AUTH, on a still unnamed SA.
            ViciEventLog.Timed haFloat = haEvents.await("ike-update",
                    m -> m.section("(unnamed)").isPresent(), Duration.ZERO);
            assertThat(haFloat.nanos()).isLessThan(tMove);
            assertThat(haFloat.message().text("remote-host")).contains(MN_CARE_OF);
            assertThat(haFloat.message().text("remote-port")).contains("4500");
            assertThat(mnEvents.all()).filteredOn(t -> t.name().equals("ike-update")).hasSize(1);
            // kernel-libipsec cannot update an SA's addresses, so charon rekeys the CHILD_SA after the move.
            ViciEventLog.Timed mnRekey = mnEvents.await("child-rekey", m -> true, WAIT);
            ViciEventLog.Timed haRekey = haEvents.await("child-rekey", m -> true, WAIT);
            String rekeyReason = bed.charonLogText(Side.MN).lines()
                    .filter(l -> l.contains("queueing CHILD_REKEY") || l.contains("CHILD_SA home{")
                            || l.contains("endpoint changed"))
                    .reduce((x, y) -> x + "\n      " + y).orElse("");
            assertThat(rekeyReason).contains("queueing CHILD_REKEY task");
            assertThat(mnRekey.message().toString()).contains("reqid = 1");
            List<ViciMessage> moved = listSas(ha, cfg.connection());
            assertThat(moved.get(0).section(cfg.connection()).orElseThrow().text("remote-host")).contains(MN_CARE_OF_2);
            assertThat(probe.send(Side.MN, hoa, HA_INNER, 6, null).checked().stdout()).contains("SENT 16");
            Packet afterMove = haRx.await(6, WAIT).orElseThrow(() -> new AssertionError("BU after the move lost"));
            assertThat(afterMove.ifindex()).isEqualTo(haTun.index());
            assertThat(probe.send(Side.HA, HA_INNER, hoa, 7, null).checked().stdout()).contains("SENT 16");
            assertThat(mnRx.await(7, WAIT)).hasValueSatisfying(p -> assertThat(p.ifindex()).isEqualTo(mnTun.index()));
            fact("(e) MOBIKE roamed by itself: ike-update at the MN after %.1f ms, at the HA after %.1f ms"
                    + " (from adding %s); MH both ways still on the TUN afterwards (%s)",
                    (mnUpdate.nanos() - tMove) / 1e6, (haUpdate.nanos() - tMove) / 1e6, MN_CARE_OF_2, afterMove);
            fact("(e) child-rekey after the move at the MN %.1f ms, at the HA %.1f ms; MN log:%n      %s",
                    (mnRekey.nanos() - tMove) / 1e6, (haRekey.nanos() - tMove) / 1e6, rekeyReason);

            // terminate (g)
            get(mn.request("terminate", cfg.terminateRequest(10_000), "control-log", m -> { }));
            ViciEventLog.Timed mnDown = mnEvents.await("ike-updown", m -> !ViciEventLog.isUp(m), WAIT);
            ViciEventLog.Timed haDown = haEvents.await("ike-updown", m -> !ViciEventLog.isUp(m), WAIT);
            ViciEventLog.Timed mnChildDown = mnEvents.await("child-updown", m -> !ViciEventLog.isUp(m), WAIT);
            ViciMessage poolsAfter = get(ha.request("get-pools", ViciMessage.builder().add("leases", "yes").build()));
            assertThat(poolsAfter.section(cfg.pool()).orElseThrow().section("leases").orElseThrow()
                    .section("0").orElseThrow().text("status")).contains("offline");

            shapes.put("ike-updown (up), MN", ViciEventLog.pretty(mnIkeUp.message()));
            shapes.put("ike-updown (up), HA", ViciEventLog.pretty(haIkeUp.message()));
            shapes.put("child-updown (up), MN", ViciEventLog.pretty(mnChildUp.message()));
            shapes.put("child-updown (up), HA", ViciEventLog.pretty(haChildUp.message()));
            shapes.put("initiate response, MN", ViciEventLog.pretty(initiated));
            shapes.put("list-sas -> list-sa event, MN", ViciEventLog.pretty(listed.get(0)));
            shapes.put("list-sas -> list-sa event, HA", ViciEventLog.pretty(haListed.get(0)));
            shapes.put("get-pools leases=yes, HA (SA up)", ViciEventLog.pretty(pools));
            shapes.put("ike-update, MN", ViciEventLog.pretty(mnUpdate.message()));
            shapes.put("ike-update, HA", ViciEventLog.pretty(haUpdate.message()));
            shapes.put("ike-update, HA, during IKE_AUTH (NAT-T port float 500 -> 4500; kernel-libipsec forces"
                    + " UDP encapsulation)", ViciEventLog.pretty(haFloat.message()));
            shapes.put("child-rekey after the MOBIKE move, MN", ViciEventLog.pretty(mnRekey.message()));
            shapes.put("child-rekey after the MOBIKE move, HA", ViciEventLog.pretty(haRekey.message()));
            shapes.put("ike-updown (down) after terminate, MN", ViciEventLog.pretty(mnDown.message()));
            shapes.put("ike-updown (down) after terminate, HA", ViciEventLog.pretty(haDown.message()));
            shapes.put("child-updown (down) after terminate, MN", ViciEventLog.pretty(mnChildDown.message()));
            shapes.put("get-pools leases=yes, HA (after terminate)", ViciEventLog.pretty(poolsAfter));
            StringBuilder text = new StringBuilder();
            shapes.forEach((k, v) -> text.append("=== ").append(k).append(" ===\n").append(v).append('\n'));
            assertThat(text.toString()).doesNotContain("psk-");
            Path out = Path.of("target", "vici-shapes.txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, text, StandardCharsets.UTF_8);
            fact("(g) VICI shapes (also in %s):%n%s", out.toAbsolutePath(), text);
        }
        fact("whole test %d ms", ms(testStart));
        assertThat(ms(testStart)).isLessThan(30_000);
    }

    @Test
    void kernelLibipsecRoutesTheTunnelItselfEvenWithInstallRoutesNo() throws Exception {
        Path python = HostRequirements.command("python3", "python3");
        try (CharonTestbed bed = CharonTestbed.start(dir, CharonTestbed.Options.DEFAULT.withCharonLine("install_routes = no"))) {
            HomeTunnelConfig cfg = HomeTunnelConfig.standard();
            ViciClient ha = bed.vici(Side.HA);
            ViciClient mn = bed.vici(Side.MN);
            ViciEventLog mnEvents = ViciEventLog.subscribe(mn, "ike-updown");
            cfg.load(ha, mn);
            get(mn.request("initiate", cfg.initiateRequest(10_000)));
            String hoa = canonical(mnEvents.await("ike-updown", ViciEventLog::isUp, WAIT).message()
                    .section(cfg.connection()).orElseThrow().list("local-vips").get(0).text());
            Tun mnTun = onlyTun(bed, Side.MN);
            Tun haTun = onlyTun(bed, Side.HA);
            assertThat(addresses(bed, Side.MN, mnTun.name())).contains(hoa + "/128");
            String mnTable = bed.exec(Side.MN, "ip", "-6", "route", "show", "table", "220").checked().stdout();
            String haTable = bed.exec(Side.HA, "ip", "-6", "route", "show", "table", "220").checked().stdout();
            assertThat(mnTable).contains("2001:db8:1::/64 dev ipsec0").contains("src " + hoa);
            assertThat(haTable).contains(hoa + " dev ipsec0").contains("src " + HA_INNER);

            MobilityHeaderProbe probe = new MobilityHeaderProbe(bed, python, dir);
            MobilityHeaderProbe.Receiver haRx = probe.receiver(Side.HA, Duration.ofSeconds(10));
            probe.send(Side.MN, hoa, HA_INNER, 1, null).checked();
            assertThat(haRx.await(1, WAIT)).hasValueSatisfying(p -> assertThat(p.ifindex()).isEqualTo(haTun.index()));
            fact("(a') charon.install_routes = no changes nothing under kernel-libipsec: HoA %s on the MN's %s,"
                    + " table 220 MN: %s; HA: %s; MH crosses the tunnel", hoa, mnTun.name(), mnTable.strip(),
                    haTable.strip());

            // killCharon / startCharon: the TUN, its routes and the SA state go with the process.
            long oldPid = bed.charonPid(Side.HA);
            bed.killCharon(Side.HA);
            assertThat(ProcessHandle.of(oldPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(bed.exec(Side.HA, "ip", "-o", "link", "show", "type", "tun").checked().stdout()).isBlank();
            assertThat(bed.exec(Side.HA, "ip", "-6", "route", "show", "table", "220").checked().stdout()).isBlank();
            bed.startCharon(Side.HA);
            assertThat(bed.charonPid(Side.HA)).isNotEqualTo(oldPid);
            assertThat(onlyTun(bed, Side.HA).name()).isEqualTo("ipsec0");
            ViciClient again = bed.vici(Side.HA);
            assertThat(listSas(again, cfg.connection())).isEmpty();
            assertThat(get(again.request("version", ViciMessage.EMPTY)).text("daemon")).contains("charon");
        }
    }

    // ---- helpers ----

    private static void fact(String format, Object... args) {
        System.err.println("FACT " + String.format(format, args));
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static String indent(String s) {
        return s.strip().lines().map(l -> "      " + l).reduce((a, b) -> a + "\n" + b).orElse("      (empty)");
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** An IPv6 literal in the compressed form iproute2 prints (Java prints all eight groups). */
    private static String canonical(String address) {
        try {
            return compress(InetAddress.getByName(address).getHostAddress());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal: " + address, e);
        }
    }

    private static String compress(String full) {
        String[] groups = full.split(":");
        StringBuilder b = new StringBuilder();
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < groups.length; ) {
            int j = i;
            while (j < groups.length && Integer.parseInt(groups[j], 16) == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        for (int i = 0; i < groups.length; i++) {
            if (i == bestStart) {
                b.append(i == 0 ? "::" : ":");
                i += bestLen - 1;
                continue;
            }
            b.append(Integer.toHexString(Integer.parseInt(groups[i], 16)));
            if (i < groups.length - 1) {
                b.append(':');
            }
        }
        return b.toString();
    }

    private static Tun onlyTun(CharonTestbed bed, Side side) throws Exception {
        String out = bed.exec(side, "ip", "-o", "link", "show", "type", "tun").checked().stdout();
        List<Tun> tuns = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            Matcher m = TUN_LINE.matcher(line);
            if (m.find()) {
                tuns.add(new Tun(Integer.parseInt(m.group(1)), m.group(2)));
            }
        }
        assertThat(tuns).as("TUN devices in %s: %s", side, out).hasSize(1);
        return tuns.get(0);
    }

    private static int ifindex(CharonTestbed bed, Side side, String name) throws Exception {
        String out = bed.exec(side, "ip", "-o", "link", "show", "dev", name).checked().stdout();
        Matcher m = TUN_LINE.matcher(out);
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static List<String> addresses(CharonTestbed bed, Side side, String iface) throws Exception {
        String out = bed.exec(side, "ip", "-6", "-o", "addr", "show", "dev", iface).checked().stdout();
        List<String> result = new ArrayList<>();
        Matcher m = Pattern.compile("inet6 (\\S+)").matcher(out);
        while (m.find()) {
            result.add(m.group(1));
        }
        return result;
    }

    /**
     * The strongswan.conf keys the kernel-libipsec plugin binary reads ({@code %s.<key>} format
     * strings), and its TUN name template, from the plugin's printable strings.
     */
    private static Map<String, String> libipsecSettings() throws IOException {
        byte[] so = Files.readAllBytes(CharonTestbed.LIBIPSEC_PLUGIN);
        Map<String, String> found = new LinkedHashMap<>();
        StringBuilder cur = new StringBuilder();
        TreeSet<String> strings = new TreeSet<>();
        for (byte b : so) {
            if (b >= 0x20 && b < 0x7f) {
                cur.append((char) b);
            } else {
                if (cur.length() >= 4) {
                    strings.add(cur.toString());
                }
                cur.setLength(0);
            }
        }
        for (String s : strings) {
            if (s.startsWith("%s.")) {
                found.put(s.substring(3), "read with the daemon name as %s");
            }
            if (s.matches("[a-z]+%d")) {
                found.put("tun-name-template", s);
            }
        }
        return found;
    }

    /**
     * Reads tshark's lines until IKE_SA_INIT and IKE_AUTH were both seen in both directions, or
     * 3 s passed, then stops tshark (SIGTERM) and returns every row.
     */
    private static List<String[]> ikePackets(Process capture, Path stderr, BlockingQueue<String> lines)
            throws Exception {
        List<String[]> rows = new ArrayList<>();
        long deadline = System.nanoTime() + SHORT.toNanos();
        java.io.BufferedReader out = new java.io.BufferedReader(
                new java.io.InputStreamReader(capture.getInputStream(), StandardCharsets.UTF_8));
        BlockingQueue<String> queue = lines;
        // stdout is read only from here on: tshark's few lines fit in the pipe meanwhile.
        Thread pump = new Thread(() -> {
            try {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                    queue.add(l);
                }
            } catch (IOException e) {
                queue.add("ERROR " + e);
            }
        }, "tshark-lines");
        pump.setDaemon(true);
        pump.start();
        int init = 0;
        int auth = 0;
        while ((init < 2 || auth < 2) && System.nanoTime() < deadline) {
            String l = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (l == null || l.isBlank()) {
                continue;
            }
            String[] f = l.split(",", -1);
            assertThat(f).as("tshark line '%s'", l).hasSize(6);
            rows.add(f);
            init += exchangeName(f[2]).equals("IKE_SA_INIT") ? 1 : 0;
            auth += exchangeName(f[2]).equals("IKE_AUTH") ? 1 : 0;
        }
        capture.destroy();
        capture.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(rows).as("tshark saw no IKE: %s", Files.readString(stderr)).isNotEmpty();
        return rows;
    }

    private static String exchangeName(String code) {
        return switch (code.strip()) {
            case "34" -> "IKE_SA_INIT";
            case "35" -> "IKE_AUTH";
            case "36" -> "CREATE_CHILD_SA";
            case "37" -> "INFORMATIONAL";
            default -> code;
        };
    }

    private static List<ViciMessage> listSas(ViciClient client, String ike) throws Exception {
        List<ViciMessage> out = new CopyOnWriteArrayList<>();
        get(client.request("list-sas", ViciMessage.builder().add("ike", ike).build(), "list-sa", out::add));
        return List.copyOf(out);
    }

    private static void awaitFileContains(Path file, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!(Files.exists(file) && Files.readString(file, StandardCharsets.ISO_8859_1).contains(text))) {
            assertThat(System.nanoTime()).as("%s never said '%s'", file, text).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static String awaitLogLine(CharonTestbed bed, Side side, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<String> line = bed.charonLogText(side).lines().filter(l -> l.contains(text)).findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            assertThat(System.nanoTime()).as("no '%s' in the %s charon log", text, side).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
