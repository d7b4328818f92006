package org.mip6kit.provider.tls.dtls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Optional;
import java.util.Vector;
import java.util.function.Supplier;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.PSKTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClient;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.TlsServer;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.mip6kit.spi.Identity;

/**
 * The Bouncy Castle peer objects of the {@code dtls} mode: DTLS 1.2 only (RFC 6347), forward-secret
 * suites only, a bounded handshake time, and RFC 9146 connection IDs. Each server object serves
 * one handshake and then tells who authenticated.
 */
final class DtlsPeers {

    /**
     * ECDHE-PSK (RFC 5489, RFC 7905), in order of preference: both are in OpenSSL 3.0 as
     * ECDHE-PSK-CHACHA20-POLY1305 / ECDHE-PSK-AES128-CBC-SHA256. ChaCha20-Poly1305 first: an AEAD,
     * and the lightest per association (see {@link #CERTIFICATE_SUITES}).
     */
    static final int[] PSK_SUITES = {
        CipherSuite.TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256,
    };

    /**
     * ECDHE-ECDSA with AEAD (RFC 7905, RFC 5289), in order of preference. ChaCha20-Poly1305 first:
     * Bouncy Castle's AES-GCM keeps a 4 KB multiplication table per direction (about 18 KB of Java
     * heap per association with its arrays), ChaCha20-Poly1305 a few hundred octets; the home agent
     * holds one association per node. AES-128-GCM stays for peers without ChaCha20.
     */
    static final int[] CERTIFICATE_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    };

    private static final SignatureAndHashAlgorithm ECDSA_SHA256 =
            new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    private DtlsPeers() {
    }

    /** A server peer that, after its handshake, names the authenticated mobile node. */
    interface IdentifyingServer extends TlsServer {
        Optional<Identity> authenticatedIdentity();
    }

    static IdentifyingServer server(BcTlsCrypto crypto, DtlsServerCredentials credentials, int handshakeTimeoutMillis,
            Supplier<byte[]> newConnectionId, Clock clock) {
        if (credentials.pskTable().isPresent()) {
            return new PskServer(crypto, credentials.pskTable().get(), handshakeTimeoutMillis, newConnectionId);
        }
        return new CertificateServer(crypto, credentials.certificates().orElseThrow(), handshakeTimeoutMillis,
                newConnectionId, clock);
    }

    /**
     * @param ownConnectionId the CID the client asks the server to put in records to it (may be
     *        empty: RFC 9146 §3, the client sends CIDs but wants none), or null to offer no CID extension
     */
    /** A client peer that, after its handshake, tells the connection ID it puts in its records. */
    interface ReportingClient extends TlsClient {
        /** The CID the server issued (RFC 9146), or null/empty if none was negotiated. */
        byte[] connectionIdSent();
    }

    static ReportingClient client(BcTlsCrypto crypto, DtlsClientCredentials credentials, int handshakeTimeoutMillis,
            byte[] ownConnectionId, Clock clock) {
        if (credentials.pskIdentity().isPresent()) {
            return new PskClient(crypto, credentials, handshakeTimeoutMillis, ownConnectionId);
        }
        return new CertificateClient(crypto, credentials.certificates().orElseThrow(), handshakeTimeoutMillis,
                ownConnectionId, clock);
    }

    private static final class PskServer extends PSKTlsServer implements IdentifyingServer {
        private final int timeoutMillis;
        private final Supplier<byte[]> newConnectionId;

        PskServer(BcTlsCrypto crypto, PskTable table, int timeoutMillis, Supplier<byte[]> newConnectionId) {
            super(crypto, new TlsPSKIdentityManager() {
                @Override
                public byte[] getHint() {
                    return null;
                }

                @Override
                public byte[] getPSK(byte[] identity) {
                    return identity == null ? null
                            : table.key(new String(identity, StandardCharsets.UTF_8)).orElse(null);
                }
            });
            this.timeoutMillis = timeoutMillis;
            this.newConnectionId = newConnectionId;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return TlsUtils.getSupportedCipherSuites(getCrypto(), PSK_SUITES);
        }

        /** The server's order wins, so the association's size does not depend on the client's order. */
        @Override
        protected boolean preferLocalCipherSuites() {
            return true;
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return timeoutMillis;
        }

        @Override
        protected byte[] getNewConnectionID() {
            return newConnectionId.get();
        }

        @Override
        public Optional<Identity> authenticatedIdentity() {
            byte[] id = context == null || context.getSecurityParametersConnection() == null ? null
                    : context.getSecurityParametersConnection().getPSKIdentity();
            return id == null ? Optional.empty()
                    : Optional.of(new Identity(Identity.Kind.PSK_IDENTITY, new String(id, StandardCharsets.UTF_8)));
        }
    }

    private static final class CertificateServer extends DefaultTlsServer implements IdentifyingServer {
        private final X509Credentials own;
        private final int timeoutMillis;
        private final Supplier<byte[]> newConnectionId;
        private final Clock clock;
        private volatile Identity identity;

        CertificateServer(BcTlsCrypto crypto, X509Credentials own, int timeoutMillis, Supplier<byte[]> newConnectionId,
                Clock clock) {
            super(crypto);
            this.own = own;
            this.timeoutMillis = timeoutMillis;
            this.newConnectionId = newConnectionId;
            this.clock = clock;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return TlsUtils.getSupportedCipherSuites(getCrypto(), CERTIFICATE_SUITES);
        }

        /** The server's order wins, so the association's size does not depend on the client's order. */
        @Override
        protected boolean preferLocalCipherSuites() {
            return true;
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return timeoutMillis;
        }

        @Override
        protected byte[] getNewConnectionID() {
            return newConnectionId.get();
        }

        @Override
        protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
            return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), (BcTlsCrypto) getCrypto(),
                    own.privateKey(), PeerCertificates.tlsChain(getCrypto(), own.chain()), ECDSA_SHA256);
        }

        @Override
        public CertificateRequest getCertificateRequest() {
            Vector<?> algorithms = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
            return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign}, algorithms, null);
        }

        @Override
        public void notifyClientCertificate(org.bouncycastle.tls.Certificate clientCertificate) throws IOException {
            X509Certificate ee = PeerCertificates.validate(clientCertificate, own.trustAnchors(), clock);
            this.identity = PeerCertificates.identityOf(ee).orElseThrow(() -> new TlsFatalAlert(
                    AlertDescription.bad_certificate,
                    "the client certificate names no rfc822Name (NAI) or dNSName in its subjectAltName"));
        }

        @Override
        public Optional<Identity> authenticatedIdentity() {
            return Optional.ofNullable(identity);
        }
    }

    private static final class PskClient extends PSKTlsClient implements ReportingClient {
        private final int timeoutMillis;
        private final byte[] ownConnectionId;

        PskClient(BcTlsCrypto crypto, DtlsClientCredentials credentials, int timeoutMillis, byte[] ownConnectionId) {
            super(crypto, credentials.pskIdentityOctets(), credentials.pskKey());
            this.timeoutMillis = timeoutMillis;
            this.ownConnectionId = ownConnectionId;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return TlsUtils.getSupportedCipherSuites(getCrypto(), PSK_SUITES);
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return timeoutMillis;
        }

        @Override
        public byte[] connectionIdSent() {
            return context == null || context.getSecurityParametersConnection() == null ? null
                    : context.getSecurityParametersConnection().getConnectionIDLocal();
        }

        @Override
        protected byte[] getNewConnectionID() {
            return ownConnectionId == null ? null : ownConnectionId.clone();
        }
    }

    private static final class CertificateClient extends DefaultTlsClient implements ReportingClient {
        private final X509Credentials own;
        private final int timeoutMillis;
        private final byte[] ownConnectionId;
        private final Clock clock;

        CertificateClient(BcTlsCrypto crypto, X509Credentials own, int timeoutMillis, byte[] ownConnectionId,
                Clock clock) {
            super(crypto);
            this.own = own;
            this.timeoutMillis = timeoutMillis;
            this.ownConnectionId = ownConnectionId;
            this.clock = clock;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return TlsUtils.getSupportedCipherSuites(getCrypto(), CERTIFICATE_SUITES);
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return timeoutMillis;
        }

        @Override
        public byte[] connectionIdSent() {
            return context == null || context.getSecurityParametersConnection() == null ? null
                    : context.getSecurityParametersConnection().getConnectionIDLocal();
        }

        @Override
        protected byte[] getNewConnectionID() {
            return ownConnectionId == null ? null : ownConnectionId.clone();
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                    PeerCertificates.validate(serverCertificate.getCertificate(), own.trustAnchors(), clock);
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                    return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context),
                            (BcTlsCrypto) getCrypto(), own.privateKey(),
                            PeerCertificates.tlsChain(getCrypto(), own.chain()), ECDSA_SHA256);
                }
            };
        }
    }
}
