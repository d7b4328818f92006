package org.mip6kit.provider.ipsec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.engine.MobileNodeEngine.Registration;
import org.mip6kit.provider.ipsec.kernel.MobilityPolicySet;
import org.mip6kit.provider.ipsec.xfrm.XfrmMessages;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserKmaddress;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserPolicyInfo;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserTmpl;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.tck.Deployment;
import org.mip6kit.tck.KitMobileNode;
import org.mip6kit.tck.PathRule;
import org.mip6kit.tck.ProviderLog;
import org.mip6kit.wire.Ipv6Address;

/**
 * Mode kernel's SPD work, on the kit's network with {@link org.mip6kit.provider.ipsec.sim.SimulatedCharons}
 * and one {@link FakeKernel.Spd} per side: exactly one policy set per binding, nothing left after
 * deregistration, expiry, revocation or an abandoned new binding; a refused install answers 128
 * and leaves nothing; a K move migrates the payload tunnel with KMADDRESS; a kernel without ESP
 * refuses start-up naming what is missing, and the factory never probes.
 */
@Tag("small")
class IpsecKernelModeTest {

    private static final Duration LIMIT = Duration.ofMinutes(5);
    private final Harness kit = new Harness();
    private Deployment d;

    @BeforeAll
    static void makeDirectory() throws Exception {
        IpsecLibipsecCompatibilityTest.makeDirectory();
    }

    @AfterAll
    static void removeDirectory() throws Exception {
        IpsecLibipsecCompatibilityTest.removeDirectory();
    }

    @AfterEach
    void close() {
        if (d != null) {
            d.close();
        }
    }

    /** The kit in mode kernel, with the SPDs in the order they were opened (the home agent's first: its path starts at deployment). */
    static final class Harness extends IpsecKernelCompatibilityTest {
        final List<FakeKernel.Spd> spds = Collections.synchronizedList(new ArrayList<>());
        boolean payload;
        boolean withoutEsp;
        final List<FakeKernel> made = new ArrayList<>();

        @Override
        Map<String, Object> extra() {
            return payload ? Map.of("payload-tunnel", true) : Map.of();
        }

        @Override
        protected SecurityProviderFactory provider() {
            FakeKernel k = withoutEsp ? new FakeKernel().withoutEsp() : new FakeKernel();
            k.onOpen = spds::add;
            made.add(k);
            return new IpsecIkev2Provider(charons.connector(), k);
        }

        Deployment open(int nodes) {
            return deploy(nodes);
        }

        Ipv6Address home(int node) {
            return homeAddress(node);
        }

        Ipv6Address ha() {
            return homeAgentAddress();
        }

        Ipv6Address careOf(int node, int move) {
            return careOfAddress(node, move);
        }

        FakeKernel.Spd homeAgentSpd() {
            return spds.get(0);
        }
    }

    private static List<XfrmMessages.Policy> asKernelHolds(MobilityPolicySet set) {
        return set.policies().stream().map(p -> new XfrmMessages.Policy(p.info(), p.templates(), p.policyType()))
                .toList();
    }

    private static int reqidOf(FakeKernel.Spd spd, Ipv6Address hoa) {
        return spd.policies().stream().filter(p -> p.info().dir() == XfrmUserPolicyInfo.DIR_IN
                && p.info().selector().saddr().equals(KernelSupport.inet(hoa)))
                .mapToInt(p -> p.templates().get(0).reqid()).findFirst().orElseThrow();
    }

    private MobilityPolicySet homeAgentSet(Ipv6Address hoa, int reqid) {
        return MobilityPolicySet.builder(MobilityPolicySet.Role.HOME_AGENT, KernelSupport.inet(hoa),
                KernelSupport.inet(kit.ha())).signallingReqid(reqid).build();
    }

    @Test
    void spdHoldsExactlyTheSetOfEachBindingAndNothingOfANodeThatDeregistered() {
        d = kit.open(2);
        KitMobileNode n0 = d.mobileNode(0);
        KitMobileNode n1 = d.mobileNode(1);
        Registration r0 = d.await(n0.start(), LIMIT, "registration 0");
        Registration r1 = d.await(n1.start(), LIMIT, "registration 1");
        FakeKernel.Spd ha = kit.homeAgentSpd();
        int q0 = reqidOf(ha, r0.homeAddress());
        int q1 = reqidOf(ha, r1.homeAddress());
        assertThat(q0).as("the reqids of the two nodes' CHILD SAs").isNotZero().isNotEqualTo(q1);
        List<XfrmMessages.Policy> expected = new ArrayList<>(asKernelHolds(homeAgentSet(r0.homeAddress(), q0)));
        expected.addAll(asKernelHolds(homeAgentSet(r1.homeAddress(), q1)));
        assertThat(ha.policies()).as("the home agent's SPD").containsExactlyInAnyOrderElementsOf(expected);

        FakeKernel.Spd mn0 = kit.spds.get(1);
        MobilityPolicySet mnSet = MobilityPolicySet.builder(MobilityPolicySet.Role.MOBILE_NODE,
                KernelSupport.inet(r0.homeAddress()), KernelSupport.inet(kit.ha()))
                .signallingReqid(MobileNodeConfig.defaultReqid(IpsecLibipsecCompatibilityTest.nodeId(0))).build();
        assertThat(mn0.policies()).as("node 0's SPD: BU out, BA in with its pinned reqid")
                .containsExactlyInAnyOrderElementsOf(asKernelHolds(mnSet));
        assertThat(mn0.calls().stream().filter(c -> c.op().equals("UPDPOLICY")).count())
                .as("installed once, before the first Binding Update").isEqualTo(2);

        d.await(n0.shutdown(), LIMIT, "deregistration");
        // At once, not teardown-delay (2 s) later when the IKE SA ends and would take its lease's set along.
        assertThat(ha.policies()).as("the home agent's SPD after node 0 deregistered")
                .containsExactlyInAnyOrderElementsOf(asKernelHolds(homeAgentSet(r1.homeAddress(), q1)));
        assertThat(mn0.policies()).as("node 0's SPD after its deregistration").isEmpty();
    }

    @Test
    void signallingPoliciesOfAnExpiredBindingGoWithItsIkeSa() {
        d = kit.open(1);
        KitMobileNode node = d.mobileNode(0);
        Registration r = d.await(node.start(), LIMIT, "registration");
        assertThat(kit.homeAgentSpd().policies()).hasSize(3);
        node.setRule(PathRule.DROP_ALL);
        assertThat(d.time().advanceUntil(() -> d.binding(r.homeAddress()).isEmpty(), Duration.ofMillis(100),
                r.grantedLifetime().toDuration().plus(d.settings().sweepInterval()).plusSeconds(2))).isTrue();
        // The home agent ends the IKE SA teardown-delay (2 s) after the expiry; its CHILD SA's policies go with it.
        d.time().advance(Duration.ofSeconds(3));
        assertThat(kit.homeAgentSpd().policies()).as("after expiry and the IKE SA's end").isEmpty();
    }

    @Test
    void revocationWhenTheIkeSaGoesDownRemovesItsPolicies() {
        d = kit.open(1);
        KitMobileNode node = d.mobileNode(0);
        Registration r = d.await(node.start(), LIMIT, "registration");
        FakeKernel.Spd ha = kit.homeAgentSpd();
        int before = reqidOf(ha, r.homeAddress());
        node.setRule(PathRule.DROP_ALL);
        kit.charons.restart("mobile-node-0");
        d.time().advance(Duration.ofSeconds(1));
        assertThat(d.homeAgent().counters().revoked()).isEqualTo(1);
        assertThat(d.binding(r.homeAddress()).filter(b -> b.isBound())).isEmpty();
        // The node's provider bootstraps again at once (a new IKE SA and CHILD SA, armed anew); nothing of the old
        // CHILD SA's reqid is left.
        assertThat(ha.policies().stream().flatMap(p -> p.templates().stream()).map(XfrmUserTmpl::reqid))
                .as("reqids in the home agent's SPD after the revocation").doesNotContain(before);
    }

    @Test
    void abandonedNewBindingRemovesThePayloadTunnelItsBeforeAckInstalled() {
        kit.payload = true;
        d = kit.open(1);
        d.failBeforeAck(c -> true);
        KitMobileNode node = d.mobileNode(0);
        node.start();
        ProviderLog agent = d.homeAgentParticipant().provider();
        d.time().advanceUntil(() -> !agent.lifecycle(ProviderLog.Call.ABANDONED).isEmpty(), Duration.ofMillis(100),
                LIMIT);
        FakeKernel.Spd ha = kit.homeAgentSpd();
        assertThat(ha.calls().stream().filter(c -> c.op().equals("UPDPOLICY")).count())
                .as("the signalling set armed with the CHILD SA (3), then beforeAck's payload tunnel (3 more)")
                .isGreaterThanOrEqualTo(6);
        assertThat(ha.policies()).as("after abandoned: the signalling set of the CHILD SA only")
                .containsExactlyInAnyOrderElementsOf(asKernelHolds(homeAgentSet(kit.home(0),
                        reqidOf(ha, kit.home(0)))));
    }

    @Test
    void refusedSignallingPoliciesLeaveNothingAndNoBindingUpdateIsAccepted() {
        d = kit.open(1);
        FakeKernel.Spd ha = kit.homeAgentSpd();
        // The kernel refuses the third policy (BE out) when the CHILD SA arms them: the first two must be rolled back.
        ha.refuse(c -> c.op().equals("UPDPOLICY") && c.info().selector().proto() == 135
                && c.info().selector().sport() == 7, 1);
        KitMobileNode node = d.mobileNode(0);
        CompletionStage<Registration> r = node.start();
        d.time().advance(Duration.ofSeconds(10));
        assertThat(ha.calls().stream().filter(c -> c.op().equals("DELPOLICY")).count())
                .as("roll-back of BU in and BA out").isGreaterThanOrEqualTo(2);
        assertThat(ha.policies()).isEmpty();
        assertThat(r.toCompletableFuture()).as("no registration without the inbound Binding Update policy").isNotDone();
        assertThat(d.homeAgent().counters().accepted()).isZero();
        assertThat(d.binding(kit.home(0)).filter(b -> b.isBound())).isEmpty();
    }

    @Test
    void refusedPayloadTunnelAnswers128AndLeavesTheSignallingPolicies() {
        kit.payload = true;
        d = kit.open(1);
        FakeKernel.Spd ha = kit.homeAgentSpd();
        // The payload tunnel's policies (protocol any) are installed by beforeAck: the kernel refuses one.
        ha.refuse(c -> c.op().equals("UPDPOLICY") && c.info().selector().proto() != 135
                && c.info().selector().proto() != 58, 1);
        KitMobileNode node = d.mobileNode(0);
        CompletionStage<Registration> r = node.start();
        d.time().advance(Duration.ofSeconds(10));
        assertThat(r.toCompletableFuture()).isCompletedExceptionally();
        assertThatThrownBy(() -> r.toCompletableFuture().join()).hasMessageContaining("128");
        assertThat(ha.policies()).as("the signalling set only").hasSize(3);
        assertThat(d.binding(kit.home(0)).filter(b -> b.isBound())).isEmpty();
    }

    @Test
    void inboundBindingUpdatePolicyIsInTheSpdBeforeAnyBindingUpdateIsAccepted() {
        d = kit.open(1);
        FakeKernel.Spd ha = kit.homeAgentSpd();
        d.directMobileNode(0).bootstrap(kit.home(0), kit.ha());
        d.time().runDue();
        assertThat(d.homeAgent().counters().accepted()).as("no Binding Update sent yet").isZero();
        assertThat(ha.policies()).as("armed when the CHILD SA came up: the first Binding Update must pass ESP")
                .containsExactlyInAnyOrderElementsOf(asKernelHolds(homeAgentSet(kit.home(0), reqidOf(ha, kit.home(0)))));
    }

    @Test
    void keyManagementMoveMigratesThePayloadTunnelWithKmaddress() {
        kit.payload = true;
        d = kit.open(1);
        KitMobileNode node = d.mobileNode(0);
        Registration r = d.await(node.start(), LIMIT, "registration");
        FakeKernel.Spd ha = kit.homeAgentSpd();
        FakeKernel.Spd mn = kit.spds.get(1);
        assertThat(ha.policies()).as("signalling 3 + payload 3").hasSize(6);
        assertThat(mn.policies()).as("signalling 2 + payload 2").hasSize(4);
        Ipv6Address to = kit.careOf(0, 1);
        d.await(node.moveTo(to), LIMIT, "move");

        List<FakeKernel.Call> haMoves = ha.calls().stream().filter(c -> c.op().equals("MIGRATE")).toList();
        assertThat(haMoves).as("the home agent migrated out, fwd and in").hasSize(3);
        assertThat(haMoves).allSatisfy(c -> assertThat(c.kmaddress()).isEqualTo(new XfrmUserKmaddress(
                KernelSupport.inet(kit.ha()), KernelSupport.inet(to), 10)));
        List<FakeKernel.Call> mnMoves = mn.calls().stream().filter(c -> c.op().equals("MIGRATE")).toList();
        assertThat(mnMoves).as("the node migrated out and in").hasSize(2);
        assertThat(mnMoves).allSatisfy(c -> assertThat(c.kmaddress()).isEqualTo(new XfrmUserKmaddress(
                KernelSupport.inet(to), KernelSupport.inet(kit.ha()), 10)));
        for (FakeKernel.Spd spd : List.of(ha, mn)) {
            List<XfrmUserTmpl> tunnels = spd.policies().stream().flatMap(p -> p.templates().stream())
                    .filter(t -> t.mode() == XfrmUserTmpl.MODE_TUNNEL).toList();
            assertThat(tunnels).isNotEmpty().allSatisfy(t -> assertThat(List.of(t.saddr(), t.daddr()))
                    .contains(KernelSupport.inet(to)));
        }
        assertThat(d.binding(r.homeAddress()).orElseThrow().careOfAddress()).isEqualTo(to);
    }

    @Test
    void kernelWithoutEspRefusesStartUpNamingTheMissingOptions() {
        kit.withoutEsp = true;
        assertThatThrownBy(() -> d = kit.open(1)).hasStackTraceContaining("CONFIG_INET6_ESP")
                .hasStackTraceContaining("mode kernel cannot run");
        assertThat(kit.spds).as("no XFRM channel opened").isEmpty();
        assertThat(kit.made).as("probed once, at the path's start").extracting(k -> k.probes).contains(1);
    }

    @Test
    void theFactoryNeitherProbesNorOpens() throws Exception {
        FakeKernel k = new FakeKernel();
        new IpsecIkev2Provider(path -> {
            throw new AssertionError("the factory connected to charon");
        }, k).descriptor();
        assertThat(k.probes).isZero();
        assertThat(k.opened).isEmpty();
    }
}
