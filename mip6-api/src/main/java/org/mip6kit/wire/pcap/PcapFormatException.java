package org.mip6kit.wire.pcap;

import java.io.IOException;

/**
 * A pcap file is truncated or garbled. Says where: the record number (1 for the first packet
 * record, as Wireshark numbers frames; 0 for the 24-octet file header) and the byte offset in
 * the file where that record (or the file header) starts.
 *
 * <p>An {@link IOException} because it is a problem with the file being read; callers that
 * want to tell it from a failing disk catch it first.
 */
public final class PcapFormatException extends IOException {

    private final long recordNumber;
    private final long byteOffset;

    /**
     * @param problem      what is wrong, in words an operator can act on
     * @param recordNumber 0 for the file header, 1 for the first record
     * @param byteOffset   file offset where that record or header starts
     */
    public PcapFormatException(String problem, long recordNumber, long byteOffset) {
        super((recordNumber == 0 ? "pcap file header" : "pcap record " + recordNumber)
                + " at byte offset " + byteOffset + ": " + problem);
        this.recordNumber = recordNumber;
        this.byteOffset = byteOffset;
    }

    /** 0 for the file header, 1 for the first packet record. */
    public long recordNumber() {
        return recordNumber;
    }

    /** File offset where the faulty record (or the file header) starts. */
    public long byteOffset() {
        return byteOffset;
    }
}
