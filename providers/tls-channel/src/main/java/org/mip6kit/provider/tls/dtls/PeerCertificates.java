package org.mip6kit.provider.tls.dtls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.mip6kit.spi.Identity;

/**
 * X.509 work around a DTLS handshake: our chain in the form Bouncy Castle sends, the peer's chain
 * checked against the trust anchors (RFC 5280 §6 path validation, no revocation), and the
 * identity an end-entity certificate names. Stateless.
 */
final class PeerCertificates {

    private static final int SAN_RFC822_NAME = 1;
    private static final int SAN_DNS_NAME = 2;

    private PeerCertificates() {
    }

    static Certificate tlsChain(TlsCrypto crypto, List<X509Certificate> chain) throws IOException {
        TlsCertificate[] list = new TlsCertificate[chain.size()];
        for (int i = 0; i < list.length; i++) {
            try {
                list[i] = crypto.createCertificate(chain.get(i).getEncoded());
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot encode our own certificate " + i, e);
            }
        }
        return new Certificate(list);
    }

    /**
     * The peer's end-entity certificate once its chain validates to one of {@code anchors} at the
     * clock's time.
     *
     * @throws TlsFatalAlert certificate_required for an empty chain, bad_certificate for one that does not validate
     */
    static X509Certificate validate(Certificate peer, List<X509Certificate> anchors, Clock clock) throws IOException {
        if (peer == null || peer.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.certificate_required, "the peer sent no certificate");
        }
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<X509Certificate> path = new ArrayList<>();
            for (TlsCertificate c : peer.getCertificateList()) {
                path.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(c.getEncoded())));
            }
            Set<TrustAnchor> trust = new HashSet<>();
            for (X509Certificate a : anchors) {
                trust.add(new TrustAnchor(a, null));
            }
            // A chain that contains its own anchor: the path validated ends below the anchor.
            List<X509Certificate> below = new ArrayList<>(path);
            while (below.size() > 1 && anchors.contains(below.get(below.size() - 1))) {
                below.remove(below.size() - 1);
            }
            PKIXParameters params = new PKIXParameters(trust);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(clock.instant()));
            CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(below), params);
            return path.get(0);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "the peer's certificate chain does not validate", e);
        }
    }

    /**
     * The identity an end-entity certificate names in its subjectAltName: an rfc822Name as an NAI
     * (RFC 4282 {@code user@realm}, the form RFC 4283 carries), else a dNSName as an FQDN. Never
     * the subject DN: a DN is not a name the Mobile IPv6 signalling knows.
     */
    static Optional<Identity> identityOf(X509Certificate endEntity) {
        Collection<List<?>> names;
        try {
            names = endEntity.getSubjectAlternativeNames();
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
        if (names == null) {
            return Optional.empty();
        }
        Optional<Identity> dns = Optional.empty();
        for (List<?> name : names) {
            if (name.size() < 2 || !(name.get(0) instanceof Integer type) || !(name.get(1) instanceof String value)) {
                continue;
            }
            try {
                if (type == SAN_RFC822_NAME && value.indexOf('@') > 0) {
                    return Optional.of(new Identity(Identity.Kind.NAI, value));
                }
                if (type == SAN_DNS_NAME && dns.isEmpty()) {
                    dns = Optional.of(new Identity(Identity.Kind.FQDN, value));
                }
            } catch (IllegalArgumentException e) {
                // unusable name (too long, control characters): look further
            }
        }
        return dns;
    }
}
