package org.mip6kit.engine;

/**
 * What a home agent took back from its {@link BindingStore} when it was built
 * ({@link HomeAgentEngine.Builder#restore}), for the start-up log line.
 *
 * @param bindings live bindings restored, each with the lifetime it had left
 * @param replayHolds replay holds restored (deregistered, expired or revoked bindings whose
 *        replay state had not lapsed yet)
 * @param expired bindings whose lifetime ran out while the home agent was down: not restored
 *        as bindings (each became a replay hold if its hold had not lapsed too)
 * @param dropped entries that did not fit the binding cache ({@link HomeAgentSettings#maxBindings()})
 *        or whose replay hold had lapsed
 */
public record RestoredBindings(int bindings, int replayHolds, int expired, int dropped) {

    /** Nothing restored: the engine was built without stored entries. */
    public static final RestoredBindings NONE = new RestoredBindings(0, 0, 0, 0);

    public RestoredBindings {
        if (bindings < 0 || replayHolds < 0 || expired < 0 || dropped < 0) {
            throw new IllegalArgumentException("counts are never negative");
        }
    }
}
