package org.mip6kit.wire;

import java.util.List;

/**
 * Binding Refresh Request, MH Type 0 (RFC 6275 §6.1.2): asks a mobile node to refresh its
 * binding. Minimum Header Len 0.
 * <pre>
 *                                  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                  |            Reserved           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Mobility options                       |
 * </pre>
 */
public record BindingRefreshRequest(List<MobilityOption> options) implements MobilityMessage {

    public BindingRefreshRequest {
        options = MessageOptions.check(options);
    }

    public static BindingRefreshRequest create() {
        return new BindingRefreshRequest(List.of());
    }

    @Override
    public MobilityHeaderType type() {
        return MobilityHeaderType.BINDING_REFRESH_REQUEST;
    }
}
