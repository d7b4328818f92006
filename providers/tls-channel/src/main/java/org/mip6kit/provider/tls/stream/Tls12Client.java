package org.mip6kit.provider.tls.stream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Vector;

import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.NameType;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.RenegotiationPolicy;
import org.bouncycastle.tls.ServerName;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCrypto;

/** The client side's peer object: {@link Tls12Policy}, server_name, the {@link ClientTrust} check. */
final class Tls12Client extends DefaultTlsClient {

    private final ClientTrust trust;
    private final TlsSession session;

    Tls12Client(TlsCrypto crypto, ClientTrust trust, TlsSession session) {
        super(crypto);
        this.trust = trust;
        this.session = session;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return Tls12Policy.VERSIONS;
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), Tls12Policy.ALL_SUITES);
    }

    @Override
    protected Vector<ServerName> getSNIServerNames() {
        Vector<ServerName> names = new Vector<>();
        names.add(new ServerName(NameType.host_name,
                trust.expectedServerName().getBytes(StandardCharsets.US_ASCII)));
        return names;
    }

    @Override
    public int getRenegotiationPolicy() {
        return RenegotiationPolicy.DENY;
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                session.serverCertificate(serverCertificate, trust);
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) {
                return null;
            }
        };
    }

    /** The RFC 5929 tls-server-end-point binding; after the handshake. */
    byte[] serverEndPoint() {
        return context.exportChannelBinding(org.bouncycastle.tls.ChannelBinding.tls_server_end_point);
    }
}
