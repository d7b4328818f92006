package org.mip6kit.provider.ipsec.vici;

import java.util.Objects;

/**
 * One VICI packet (strongSwan {@code vici/README.md}, "Packet layer"), carried in one transport
 * segment:
 *
 * <pre>
 *  +--------+--------+--------+--------+
 *  |   segment length (32-bit, network order, excludes itself)
 *  +--------+--------+--------+--------+--------- ... ----+------ ... ------+
 *  |  type  |nameLen | name (ASCII, only named types)    | message (types  |
 *  +--------+--------+--------- ... ----+-----------------+ with a message)|
 * </pre>
 *
 * @param type the packet type
 * @param name the name for named types ({@link ViciPacketType#named()}), else null
 * @param message the message for types that carry one, else null
 */
public record ViciPacket(ViciPacketType type, String name, ViciMessage message) {
    /** Validates that name and message are present exactly when the type carries them. */
    public ViciPacket {
        Objects.requireNonNull(type, "type");
        if (type.named()) {
            ViciMessage.checkName(name);
        } else if (name != null) {
            throw new IllegalArgumentException(type + " carries no name");
        }
        if (type.hasMessage()) {
            Objects.requireNonNull(message, type + " needs a message");
        } else if (message != null) {
            throw new IllegalArgumentException(type + " carries no message");
        }
    }

    /** @param command command @param message arguments @return a CMD_REQUEST */
    public static ViciPacket request(String command, ViciMessage message) {
        return new ViciPacket(ViciPacketType.CMD_REQUEST, command, message);
    }

    /** @param message response @return a CMD_RESPONSE */
    public static ViciPacket response(ViciMessage message) {
        return new ViciPacket(ViciPacketType.CMD_RESPONSE, null, message);
    }

    /** @param event event name @param message body @return an EVENT */
    public static ViciPacket event(String event, ViciMessage message) {
        return new ViciPacket(ViciPacketType.EVENT, event, message);
    }

    /** @param type a type with neither name nor message, or with a name only @param name or null @return the packet */
    public static ViciPacket control(ViciPacketType type, String name) {
        return new ViciPacket(type, name, null);
    }
}
