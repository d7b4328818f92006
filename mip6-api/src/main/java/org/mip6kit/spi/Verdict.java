package org.mip6kit.spi;

import java.util.Optional;

import org.mip6kit.wire.BindingAckStatus;

/**
 * A provider's judgement of one received message ({@link SignallingPath#verify}). Exactly one
 * of: {@link Accept}, {@link Reject}, {@link Drop}. A message that is not accepted never
 * creates or changes a binding.
 */
public sealed interface Verdict permits Verdict.Accept, Verdict.Reject, Verdict.Drop {

    /**
     * The message is authentic: it came from {@code identity}, and {@code reply} says how to
     * protect the answer. The engine still applies its own protocol checks (sequence number,
     * home prefix, ownership of the home address by this identity).
     */
    record Accept(Identity identity, ReplyContext reply) implements Verdict {
        public Accept {
            if (identity == null || reply == null) {
                throw new IllegalArgumentException("an accepted message needs an identity and a reply context");
            }
        }
    }

    /**
     * The message is refused with a Binding Acknowledgement status (RFC 4285: 144, 145, 146;
     * RFC 6618: 176). The engine answers only when {@code reply} is present, because a reply
     * the mechanism cannot protect is never sent.
     *
     * @param reason for logs; never a secret
     */
    record Reject(BindingAckStatus status, Optional<ReplyContext> reply, String reason) implements Verdict {
        public Reject {
            if (status == null || reply == null || reason == null) {
                throw new IllegalArgumentException("status, reply and reason are required");
            }
            if (status.isAccepted()) {
                throw new IllegalArgumentException("a rejection needs a status of 128 or more, got " + status);
            }
        }
    }

    /**
     * The message is discarded silently (unknown key, failed integrity check where the
     * mechanism prescribes silence, no security association at all).
     *
     * @param reason for logs; never a secret
     */
    record Drop(String reason) implements Verdict {
        public Drop {
            if (reason == null) {
                throw new IllegalArgumentException("reason is required");
            }
        }
    }

    static Accept accept(Identity identity, ReplyContext reply) {
        return new Accept(identity, reply);
    }

    static Reject reject(BindingAckStatus status, ReplyContext reply, String reason) {
        return new Reject(status, Optional.ofNullable(reply), reason);
    }

    static Drop drop(String reason) {
        return new Drop(reason);
    }
}
