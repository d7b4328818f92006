package org.mip6kit.provider.ipsec.charon;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in submission order, on an underlying executor (which may run tasks
 * concurrently): how the provider keeps charon's events in the order charon sent them. A task
 * that throws does not stop the ones after it. Thread-safe.
 */
public final class SerialExecutor implements Executor {
    private final Executor underlying;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    public SerialExecutor(Executor underlying) {
        this.underlying = underlying;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        underlying.execute(this::drain);
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (tasks) {
                next = tasks.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                // a listener must not throw; keep the order for the others
            }
        }
    }
}
