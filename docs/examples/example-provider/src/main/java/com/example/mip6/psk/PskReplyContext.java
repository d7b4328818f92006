package com.example.mip6.psk;

import org.mip6kit.spi.ReplyContext;

/**
 * What protecting the answer to a verified Binding Update needs: the node (whose key signs the
 * Binding Acknowledgement) and the Binding Update's counter, which the acknowledgement echoes
 * so the mobile node can tie it to a Binding Update it actually sent. Opaque to the engine.
 */
final class PskReplyContext implements ReplyContext {

    private final NodeCredential node;
    private final long counter;

    PskReplyContext(NodeCredential node, long counter) {
        this.node = node;
        this.counter = counter;
    }

    NodeCredential node() {
        return node;
    }

    long counter() {
        return counter;
    }

    @Override
    public String describe() {
        return "nai=" + node.nai() + " counter=" + counter;
    }

    @Override
    public String toString() {
        return "PskReplyContext[" + describe() + "]";
    }
}
