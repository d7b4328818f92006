package org.mip6kit.provider.tls.dtls;

/**
 * A snapshot of a {@link DtlsServerChannel}'s counters since it opened.
 *
 * @param cookiesSent HelloVerifyRequests sent (stateless, RFC 6347 §4.2.1)
 * @param handshakesStarted verified ClientHellos that got an association and a handshake
 * @param handshakesCompleted handshakes that established an association
 * @param handshakesFailed handshakes that ended in an alert, a timeout or a missing identity
 * @param handshakesDropped verified ClientHellos refused for want of a handshake slot or association room
 * @param associations associations now open (handshaking or established)
 * @param peerAddressChanges times an established association's peer moved (RFC 9146 §6)
 * @param datagramsDropped datagrams that matched nothing or found a queue full
 */
public record DtlsServerCounters(long cookiesSent, long handshakesStarted, long handshakesCompleted,
        long handshakesFailed, long handshakesDropped, int associations, long peerAddressChanges,
        long datagramsDropped) {
}
