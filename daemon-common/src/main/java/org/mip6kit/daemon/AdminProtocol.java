package org.mip6kit.daemon;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * What the {@link AdminServer} and the {@link AdminClient} agree on: JSON lines over a unix
 * domain stream socket.
 *
 * <pre>
 *  client → daemon   {"command":"bindings"}\n              one JSON object per line, UTF-8,
 *                                                           at most {@value #MAX_REQUEST_BYTES} octets
 *  daemon → client   {"ok":true,"bindings":[...]}\n        one JSON object per line per request
 *                    {"ok":false,"error":"unknown command 'x'; commands: ..."}\n
 * </pre>
 *
 * A connection may carry several requests, answered in order. The daemon closes a connection
 * whose request is not both received and answered within the request deadline (one deadline
 * per request, not per read), or whose request line is too long or not UTF-8 (after answering
 * with an error). Documented for operators in {@code docs/operator-guide.md#admin-socket}.
 */
final class AdminProtocol {

    /** The longest request line (newline included) a daemon reads. */
    static final int MAX_REQUEST_BYTES = 64 * 1024;
    /** The longest response line a client reads (a binding cache listing can be large). */
    static final int MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
    /**
     * The longest socket path the kernel accepts: {@code sun_path} holds 108 octets including
     * the terminating NUL.
     */
    static final int MAX_SOCKET_PATH_BYTES = 107;

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private AdminProtocol() {
    }

    /** Strict UTF-8: a malformed or unmappable octet is an error, not a replacement character. */
    static String utf8(byte[] bytes, int length) throws CharacterCodingException {
        CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, 0, length));
        return chars.toString();
    }

    /** The length of {@code socket}'s absolute path in octets, as the kernel counts it. */
    static int pathBytes(Path socket) {
        return socket.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length;
    }
}
