package org.mip6kit.provider.tls.dtls;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * What the demultiplexer reads of a datagram before any cryptography: the first record's header.
 * Stateless; never throws on short or odd input (such a datagram is simply not what is asked).
 *
 * <pre>
 *  DTLS 1.2 record (RFC 6347 §4.1)          DTLS 1.2 record with a CID (RFC 9146 §4)
 *  0      type (22 handshake, 23 data)       0      type = 25 (tls12_cid)
 *  1..2   version (0xfefd, 0xfeff)           1..2   version
 *  3..4   epoch                              3..4   epoch
 *  5..10  sequence number                    5..10  sequence number
 *  11..12 length                             11..   cid (length agreed in the handshake, not sent)
 *  13..   fragment                           +0..1  length, then the encrypted fragment
 *
 *  A handshake fragment (RFC 6347 §4.2.2) starts with msg_type; 1 is client_hello.
 * </pre>
 */
final class DtlsRecordHeader {

    static final int RECORD_HEADER_OCTETS = 13;
    static final int CONTENT_TYPE_HANDSHAKE = 22;
    /** RFC 9146 §4: the record type of records carrying a connection ID. */
    static final int CONTENT_TYPE_TLS12_CID = 25;
    static final int HANDSHAKE_CLIENT_HELLO = 1;

    private DtlsRecordHeader() {
    }

    static int contentType(byte[] datagram) {
        return datagram.length == 0 ? -1 : datagram[0] & 0xff;
    }

    /** An epoch-0 handshake record whose fragment starts a ClientHello. */
    static boolean isClientHello(byte[] datagram) {
        return datagram.length > RECORD_HEADER_OCTETS
                && contentType(datagram) == CONTENT_TYPE_HANDSHAKE
                && datagram[1] == (byte) 0xfe
                && datagram[3] == 0 && datagram[4] == 0
                && (datagram[RECORD_HEADER_OCTETS] & 0xff) == HANDSHAKE_CLIENT_HELLO;
    }

    /**
     * The connection ID of a tls12_cid record, read as {@code cidLength} octets at offset 11 (the
     * server chose every CID it accepts with this one length, RFC 9146 §4 "cid"), or empty if the
     * datagram is not such a record or too short to hold the CID and the length field.
     */
    static Optional<ByteBuffer> connectionId(byte[] datagram, int cidLength) {
        if (cidLength <= 0 || contentType(datagram) != CONTENT_TYPE_TLS12_CID
                || datagram.length < 11 + cidLength + 2) {
            return Optional.empty();
        }
        byte[] cid = new byte[cidLength];
        System.arraycopy(datagram, 11, cid, 0, cidLength);
        return Optional.of(ByteBuffer.wrap(cid));
    }
}
