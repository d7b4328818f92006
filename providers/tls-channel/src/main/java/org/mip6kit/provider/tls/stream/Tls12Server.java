package org.mip6kit.provider.tls.stream;

import java.io.IOException;
import java.util.List;
import java.util.Vector;

import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.RenegotiationPolicy;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The server side's peer object: {@link Tls12Policy} restricted to the suites the key can sign
 * for, and a signer whose TLS 1.2 signature scheme is one the client offered (RFC 5246
 * §7.4.1.4.1), SHA-2 only.
 */
final class Tls12Server extends DefaultTlsServer {

    private final BcTlsCrypto crypto;
    private final ServerCredentials credentials;

    Tls12Server(BcTlsCrypto crypto, ServerCredentials credentials) {
        super(crypto);
        this.crypto = crypto;
        this.credentials = credentials;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return Tls12Policy.VERSIONS;
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        int[] suites = credentials.keyKind() == ServerCredentials.KeyKind.EC ? Tls12Policy.ECDSA_SUITES
                : Tls12Policy.RSA_SUITES;
        return TlsUtils.getSupportedCipherSuites(getCrypto(), suites);
    }

    @Override
    public int getRenegotiationPolicy() {
        return RenegotiationPolicy.DENY;
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return signer(ServerCredentials.KeyKind.EC, List.of(
                SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa),
                SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa),
                SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha512, SignatureAlgorithm.ecdsa)));
    }

    @Override
    protected TlsCredentialedSigner getRSASignerCredentials() throws IOException {
        return signer(ServerCredentials.KeyKind.RSA, List.of(
                SignatureAndHashAlgorithm.rsa_pss_rsae_sha256,
                SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.rsa),
                SignatureAndHashAlgorithm.rsa_pss_rsae_sha384,
                SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha384, SignatureAlgorithm.rsa)));
    }

    private TlsCredentialedSigner signer(ServerCredentials.KeyKind kind, List<SignatureAndHashAlgorithm> preferred)
            throws IOException {
        if (credentials.keyKind() != kind) {
            return null;
        }
        Vector<?> offered = context.getSecurityParametersHandshake().getClientSigAlgs();
        SignatureAndHashAlgorithm chosen = null;
        for (SignatureAndHashAlgorithm candidate : preferred) {
            if (offered != null && offered.contains(candidate)) {
                chosen = candidate;
                break;
            }
        }
        if (chosen == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure,
                    "the client offers no SHA-2 signature scheme for the server's " + kind + " key");
        }
        TlsCertificate[] chain = new TlsCertificate[credentials.chain().size()];
        for (int i = 0; i < chain.length; i++) {
            try {
                chain[i] = crypto.createCertificate(credentials.chain().get(i).getEncoded());
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new TlsFatalAlert(AlertDescription.internal_error, e);
            }
        }
        AsymmetricKeyParameter key = PrivateKeyFactory.createKey(credentials.privateKey());
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, key,
                new Certificate(chain), chosen);
    }

    /** The RFC 5929 tls-server-end-point binding; after the handshake. */
    byte[] serverEndPoint() {
        return context.exportChannelBinding(org.bouncycastle.tls.ChannelBinding.tls_server_end_point);
    }
}
