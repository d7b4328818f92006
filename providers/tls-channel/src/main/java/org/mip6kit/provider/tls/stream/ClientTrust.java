package org.mip6kit.provider.tls.stream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import org.bouncycastle.tls.AlertDescription;
import org.mip6kit.spi.SecurityProviderException;

/**
 * What a TLS client trusts: the trust anchors that may issue the server's certificate, the one
 * DNS name the server must prove, and the clock that says whether the chain is valid now.
 * Immutable.
 *
 * <h2>Rules (RFC 6618 §9.2 with RFC 6125 §6.4)</h2>
 * <ol>
 * <li>The chain the server sends must lead, by PKIX path validation (RFC 5280 §6, revocation
 *     not checked), to one of the anchors, every certificate valid at the clock's instant.
 *     Otherwise {@code unknown_ca} (untrusted or broken chain) or {@code certificate_expired}.</li>
 * <li>The leaf's subjectAltName must hold a dNSName equal to the expected name, compared
 *     case-insensitively as ASCII. A wildcard such as {@code *.example.org} is compared as the
 *     literal text it is, so it never matches; the subject's common name is never consulted;
 *     iPAddress and other name types are ignored. Otherwise {@code certificate_unknown}.</li>
 * <li>If the leaf has a keyUsage extension it must allow digitalSignature (the ECDHE key
 *     exchange is signed), and if it has an extendedKeyUsage extension it must allow serverAuth
 *     (RFC 5280 §4.2.1.3, §4.2.1.12). Otherwise {@code certificate_unknown}.</li>
 * </ol>
 * A failure is a {@link ServerCertificateException} naming the certificate's subject, the names
 * it carries and the name expected.
 */
public final class ClientTrust {

    private static final int DNS_NAME = 2;
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
    private static final int DIGITAL_SIGNATURE = 0;
    private static final Pattern HOST_NAME =
            Pattern.compile("(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    private final Set<TrustAnchor> anchors;
    private final List<X509Certificate> anchorCertificates;
    private final String expectedServerName;
    private final Clock clock;

    /**
     * @param anchorCertificates the certificates trusted to issue the server's chain (at least one)
     * @param expectedServerName the server's DNS host name, as its certificate must carry it (and
     *                           as the client sends it in server_name); not an address, no wildcard
     * @param clock              whose instant the chain must be valid at
     * @throws IllegalArgumentException if there is no anchor or the name is not a DNS host name
     */
    public ClientTrust(Collection<X509Certificate> anchorCertificates, String expectedServerName, Clock clock) {
        Objects.requireNonNull(anchorCertificates, "anchorCertificates");
        Objects.requireNonNull(expectedServerName, "expectedServerName");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (anchorCertificates.isEmpty()) {
            throw new IllegalArgumentException("a client needs at least one trust anchor");
        }
        requireHostName(expectedServerName);
        this.anchorCertificates = List.copyOf(anchorCertificates);
        Set<TrustAnchor> set = new LinkedHashSet<>();
        for (X509Certificate c : this.anchorCertificates) {
            set.add(new TrustAnchor(c, null));
        }
        this.anchors = Set.copyOf(set);
        this.expectedServerName = expectedServerName;
    }

    /**
     * Reads the trust anchors from a PEM file of one or more {@code CERTIFICATE} blocks.
     *
     * @throws SecurityProviderException naming the file if it cannot be read or holds no certificate
     */
    public static ClientTrust fromPem(Path trustAnchors, String expectedServerName, Clock clock) {
        return new ClientTrust(Pem.certificates(trustAnchors), expectedServerName, clock);
    }

    /** As {@link #fromPem(Path, String, Clock)}, valid at the system clock (UTC). */
    public static ClientTrust fromPem(Path trustAnchors, String expectedServerName) {
        return fromPem(trustAnchors, expectedServerName, Clock.systemUTC());
    }

    /** @throws IllegalArgumentException unless {@code name} is a DNS host name (LDH labels, no wildcard, no address) */
    static String requireHostName(String name) {
        if (!HOST_NAME.matcher(name).matches() || name.matches("[0-9.]+")) {
            throw new IllegalArgumentException("'" + name + "' is not a DNS host name (letters, digits,"
                    + " hyphens and dots; no wildcard, no address literal, no trailing dot)");
        }
        return name;
    }

    public String expectedServerName() {
        return expectedServerName;
    }

    public Clock clock() {
        return clock;
    }

    public List<X509Certificate> anchorCertificates() {
        return anchorCertificates;
    }

    /**
     * Checks a server's chain, leaf first, against the rules of the class description.
     *
     * @throws ServerCertificateException saying which rule failed, with the alert to send
     */
    public void verify(List<X509Certificate> chain) {
        Objects.requireNonNull(chain, "chain");
        if (chain.isEmpty()) {
            throw new ServerCertificateException(AlertDescription.bad_certificate,
                    "the server sent no certificate; expected one for " + expectedServerName);
        }
        X509Certificate leaf = chain.get(0);
        List<String> names = dnsNames(leaf);
        String who = "server certificate '" + leaf.getSubjectX500Principal().getName() + "' (DNS names " + names
                + ")";
        validatePath(chain, who);
        if (names.stream().noneMatch(n -> n.toLowerCase(Locale.ROOT).equals(expectedServerName.toLowerCase(Locale.ROOT)))) {
            throw new ServerCertificateException(AlertDescription.certificate_unknown, who
                    + " is not for the expected name '" + expectedServerName + "': a subjectAltName dNSName must"
                    + " equal it exactly (no wildcard, no common name)");
        }
        boolean[] keyUsage = leaf.getKeyUsage();
        if (keyUsage != null && (keyUsage.length <= DIGITAL_SIGNATURE || !keyUsage[DIGITAL_SIGNATURE])) {
            throw new ServerCertificateException(AlertDescription.certificate_unknown, who
                    + " has a keyUsage without digitalSignature, which an ECDHE server needs; expected name '"
                    + expectedServerName + "'");
        }
        List<String> extended;
        try {
            extended = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            throw new ServerCertificateException(AlertDescription.bad_certificate, who
                    + " has a malformed extendedKeyUsage", e);
        }
        if (extended != null && !extended.contains(SERVER_AUTH) && !extended.contains(ANY_EXTENDED_KEY_USAGE)) {
            throw new ServerCertificateException(AlertDescription.certificate_unknown, who
                    + " has an extendedKeyUsage without serverAuth; expected name '" + expectedServerName + "'");
        }
    }

    private void validatePath(List<X509Certificate> chain, String who) {
        List<X509Certificate> path = new ArrayList<>(chain);
        // A server may send its root too; the path ends below the anchor.
        while (path.size() > 1 && anchorCertificates.contains(path.get(path.size() - 1))) {
            path.remove(path.size() - 1);
        }
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(clock.instant()));
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
        } catch (CertPathValidatorException e) {
            boolean expired = e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                    || e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID
                    || e.getCause() instanceof CertificateExpiredException
                    || e.getCause() instanceof CertificateNotYetValidException;
            if (expired) {
                throw new ServerCertificateException(AlertDescription.certificate_expired, who + " (or its issuer)"
                        + " is not valid at " + clock.instant() + " (leaf valid " + leafValidity(chain) + ")"
                        + "; expected name '" + expectedServerName + "'", e);
            }
            throw new ServerCertificateException(AlertDescription.unknown_ca, who + " does not chain to a trusted"
                    + " anchor " + subjects(anchorCertificates) + ": " + e.getMessage() + "; expected name '"
                    + expectedServerName + "'", e);
        } catch (GeneralSecurityException e) {
            throw new ServerCertificateException(AlertDescription.bad_certificate, who
                    + " could not be checked: " + e.getMessage(), e);
        }
    }

    private static String leafValidity(List<X509Certificate> chain) {
        X509Certificate leaf = chain.get(0);
        return leaf.getNotBefore().toInstant() + " to " + leaf.getNotAfter().toInstant();
    }

    private static List<String> subjects(List<X509Certificate> certificates) {
        return certificates.stream().map(c -> c.getSubjectX500Principal().getName()).toList();
    }

    /** The leaf's subjectAltName dNSName entries, as written. */
    static List<String> dnsNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    if (entry.size() >= 2 && Integer.valueOf(DNS_NAME).equals(entry.get(0))
                            && entry.get(1) instanceof String s) {
                        names.add(s);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new ServerCertificateException(AlertDescription.bad_certificate, "server certificate '"
                    + certificate.getSubjectX500Principal().getName() + "' has a malformed subjectAltName", e);
        }
        return List.copyOf(names);
    }

    @Override
    public String toString() {
        return "ClientTrust[" + expectedServerName + ", anchors " + subjects(anchorCertificates) + "]";
    }

    /** Reading PEM files of certificates. */
    static final class Pem {
        private Pem() {
        }

        static List<X509Certificate> certificates(Path file) {
            List<X509Certificate> certificates = new ArrayList<>();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                 org.bouncycastle.openssl.PEMParser parser = new org.bouncycastle.openssl.PEMParser(reader)) {
                CertificateFactory factory = CertificateFactory.getInstance("X.509");
                Object o;
                while ((o = parser.readObject()) != null) {
                    if (o instanceof org.bouncycastle.cert.X509CertificateHolder holder) {
                        certificates.add((X509Certificate) factory.generateCertificate(
                                new ByteArrayInputStream(holder.getEncoded())));
                    } else {
                        throw new SecurityProviderException(file + " holds a " + o.getClass().getSimpleName()
                                + " where only CERTIFICATE blocks belong");
                    }
                }
            } catch (IOException | GeneralSecurityException e) {
                throw new SecurityProviderException("cannot read certificates from " + file + ": " + e.getMessage(), e);
            }
            if (certificates.isEmpty()) {
                throw new SecurityProviderException(file + " holds no PEM CERTIFICATE block");
            }
            return List.copyOf(certificates);
        }
    }
}
