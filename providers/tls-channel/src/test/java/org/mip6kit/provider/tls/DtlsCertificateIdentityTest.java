package org.mip6kit.provider.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.engine.BindingRecord;
import org.mip6kit.engine.MobileNodeEngine.Registration;
import org.mip6kit.provider.tls.dtls.DtlsClientChannel;
import org.mip6kit.provider.tls.dtls.DtlsClientCredentials;
import org.mip6kit.provider.tls.dtls.X509Credentials;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.tck.Deployment;
import org.mip6kit.tck.KitMobileNode;
import org.mip6kit.transport.InMemoryProviderNetwork;
import org.mip6kit.wire.Ipv6Address;

/**
 * Mode {@code dtls} with certificates, on the kit's in-memory network: the identity the home agent
 * binds a home address to is the one the node's bootstrap reports, taken from the node
 * certificate's subjectAltName (an rfc822Name as an NAI, a dNSName as an FQDN), never from the
 * subject DN; a certificate that names the node only in its subject DN is refused during the
 * handshake. Handshakes run on real threads, hence {@code medium}.
 */
@Tag("medium")
class DtlsCertificateIdentityTest {

    @TempDir
    static Path pkiDir;

    private final Harness kit = new Harness();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void createAuthorities() {
        TlsChannelDtlsCertificateCompatibilityTest.createAuthorities(pkiDir);
    }

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(toClose);
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    @Test
    void homeAgentBindsTheRfc822NameOfTheNodeCertificateAsAnNaiAndTheBootstrapReportsTheSame() {
        DtlsTestPki.Issued certificate = kit.pki().issue("nai-node", "CN=not-the-identity, O=mip6kit",
                new GeneralName(GeneralName.rfc822Name, "alice@example.org"));

        BindingRecord b = registerWith(certificate);

        assertThat(b.identity()).isEqualTo(new Identity(Identity.Kind.NAI, "alice@example.org"));
    }

    @Test
    void homeAgentBindsTheDnsNameOfTheNodeCertificateAsAnFqdnAndTheBootstrapReportsTheSame() {
        DtlsTestPki.Issued certificate = kit.pki().issue("fqdn-node", "CN=not-the-identity, O=mip6kit",
                new GeneralName(GeneralName.dNSName, "router7.mobile.example.org"));

        BindingRecord b = registerWith(certificate);

        assertThat(b.identity()).isEqualTo(new Identity(Identity.Kind.FQDN, "router7.mobile.example.org"));
    }

    @Test
    void certificateNamingTheNodeOnlyInItsSubjectDnIsRefusedAtTheHandshake() {
        DtlsTestPki.Issued dnOnly = kit.pki().issue("dn-only", "CN=mn9@example.org, E=mn9@example.org, O=mip6kit");

        assertRefusedAtTheHandshake(dnOnly);
    }

    @Test
    void certificateWhoseSubjectAltNameHoldsNoNaiOrDnsNameIsRefusedAtTheHandshake() {
        DtlsTestPki.Issued noUsableName = kit.pki().issue("ip-only", "CN=mn10@example.org",
                new GeneralName(GeneralName.iPAddress, "2001:db8:2::10"),
                new GeneralName(GeneralName.rfc822Name, "example.org")); // a mailbox domain, not user@realm

        assertRefusedAtTheHandshake(noUsableName);
    }

    /** Registers node 0 presenting {@code certificate}; the binding's identity must be the bootstrap's. */
    private BindingRecord registerWith(DtlsTestPki.Issued certificate) {
        Deployment d = deploy();
        KitMobileNode node = d.mobileNode(0, kit.mobileNodeConfig(certificate), kit.hoa(0), true);
        Registration r = d.await(node.start(), Duration.ofSeconds(60), "registration with " + certificate.chainFile());
        BindingRecord b = d.binding(r.homeAddress()).orElseThrow(() -> new AssertionError("no binding for "
                + r.homeAddress()));
        assertThat(b.identity()).as("the identity the home agent bound is the one the node's bootstrap reported")
                .isEqualTo(r.identity());
        assertThat(kit.homeAgent().counters()).containsEntry("handshakes-completed", 1L);
        return b;
    }

    /**
     * A hand-driven DTLS client on the deployment's network presents {@code certificate} (the
     * provider's own mobile node refuses such a certificate in its configuration, so it cannot be
     * used here): the home agent must fail the handshake and keep no association.
     */
    private void assertRefusedAtTheHandshake(DtlsTestPki.Issued certificate) {
        Deployment d = deploy();
        Ipv6Address careOf = Ipv6Address.parse("2001:db8:2:99::1");
        InMemoryProviderNetwork.Host host = d.network().host("hand-node")
                .iface(Deployment.OUTSIDE_INTERFACE, careOf.toString());
        X509Credentials credentials;
        try {
            credentials = X509Credentials.load(ConfigSection.of("hand-node", null, Map.of(
                    "certificate-chain", certificate.chainFile().toString(),
                    "private-key", certificate.keyFile().toString(),
                    "trust-anchors", kit.pki().caFile().toString())), "certificate-chain", "private-key", "trust-anchors");
        } catch (ProviderConfigException e) {
            throw new AssertionError(e);
        }
        Executor blocking = task -> {
            CompletableFuture<Void> running = d.time().runBlocking("hand handshake", () -> {
                task.run();
                return (Void) null;
            }).toCompletableFuture();
            if (running.isCompletedExceptionally()) {
                throw new RejectedExecutionException("the scheduler refused the hand handshake");
            }
        };
        List<byte[]> received = new CopyOnWriteArrayList<>();
        CompletionStage<DtlsClientChannel> connected = DtlsClientChannel.connect(host.network(),
                new InetSocketAddress(careOf.toInetAddress(), 0),
                new InetSocketAddress(kit.ha().toInetAddress(), DtlsHomeAgentConfig.DEFAULT_PORT),
                DtlsClientCredentials.x509(credentials), Duration.ofSeconds(5), true, d.time().clock(), blocking,
                received::add);

        Throwable failure = d.awaitFailure(connected, Duration.ofSeconds(60), "the handshake with " + certificate.chainFile());

        assertThat(failure).hasMessageContaining("bad_certificate");
        Map<String, Long> counters = kit.homeAgent().counters();
        assertThat(counters).containsEntry("handshakes-completed", 0L).containsEntry("associations", 0L);
        assertThat(counters.get("handshakes-failed")).isEqualTo(1L);
        assertThat(kit.homeAgent().perNodeStateCount()).isZero();
        assertThat(received).isEmpty();
    }

    private Deployment deploy() {
        Deployment d = kit.open(1);
        toClose.add(d);
        return d;
    }

    /** The certificate kit's configuration, opened for single deployments; keeps the home agents it made. */
    static final class Harness extends TlsChannelDtlsCertificateCompatibilityTest {
        final List<HomeAgentSecurity> homeAgents = new CopyOnWriteArrayList<>();

        @Override
        protected SecurityProviderFactory provider() {
            TlsChannelProvider real = new TlsChannelProvider();
            return new SecurityProviderFactory() {
                @Override
                public ProviderDescriptor descriptor() {
                    return real.descriptor();
                }

                @Override
                public MobileNodeSecurity mobileNode(ProviderContext c, ConfigSection s) throws ProviderConfigException {
                    return real.mobileNode(c, s);
                }

                @Override
                public HomeAgentSecurity homeAgent(ProviderContext c, ConfigSection s) throws ProviderConfigException {
                    HomeAgentSecurity h = real.homeAgent(c, s);
                    homeAgents.add(h);
                    return h;
                }
            };
        }

        Deployment open(int nodes) {
            return deploy(nodes);
        }

        Ipv6Address hoa(int node) {
            return homeAddress(node);
        }

        Ipv6Address ha() {
            return homeAgentAddress();
        }

        HomeAgentSecurity homeAgent() {
            return homeAgents.get(homeAgents.size() - 1);
        }
    }
}
