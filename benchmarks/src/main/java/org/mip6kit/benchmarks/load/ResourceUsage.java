package org.mip6kit.benchmarks.load;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Predicate;

/**
 * One JVM's counters at one instant, read from its own management beans: the process's CPU time
 * ({@code com.sun.management.OperatingSystemMXBean#getProcessCpuTime}), its garbage collections
 * (every {@link GarbageCollectorMXBean}, summed), and for named groups of its threads their CPU
 * time and the heap they allocated ({@code com.sun.management.ThreadMXBean#getThreadCpuTime},
 * {@code #getThreadAllocatedBytes}), and on Linux the time they spent runnable but waiting for a
 * CPU (the second field of {@code /proc/self/task/TID/schedstat}, "run delay"). Two readings,
 * before and after a phase, give what the phase cost: {@link #since}.
 *
 * <p>Run delay is what tells the machine from the code: a thread that was ready to run and did
 * not get a core, because other threads (of this run, or of anyone else on the machine) held both.
 * A Java thread is found among the kernel's tasks by its name, which the JVM gives the task cut to
 * 15 characters; the calling thread by {@code /proc/thread-self}. When a thread cannot be found
 * unambiguously, its group's run delay is unknown (-1).
 *
 * <p>The home agent's JVM sends its reading to the load generator as the fields of one line
 * ({@code STATS processCpuNanos=.. gcCount=.. gcMillis=.. ha.threads=ID,.. ha.cpuNanos=..
 * ha.allocatedBytes=.. ha.runDelayNanos=.. echo.threads=..}): {@link #toFields} writes them,
 * {@link #parse} reads them back.
 *
 * @param processCpuNanos CPU time of every thread of the JVM, GC and compiler threads included
 * @param gcCount collections so far
 * @param gcMillis time spent in them so far (for G1: the pauses, young, mixed and full)
 * @param groups per group name, its threads
 */
record ResourceUsage(long processCpuNanos, long gcCount, long gcMillis, Map<String, Threads> groups) {

    /**
     * A group of threads.
     *
     * @param ids the thread ids, sorted, joined by commas ("" when no thread matched)
     * @param cpuNanos their CPU time so far
     * @param allocatedBytes the heap they allocated so far
     * @param runDelayNanos how long they were runnable but not running so far; -1 if unknown
     */
    record Threads(String ids, long cpuNanos, long allocatedBytes, long runDelayNanos) {
    }

    /**
     * What a JVM spent between two readings. A group's figures are -1 when its threads were not
     * the same at both readings (a thread that ended took its counters with it).
     */
    record Spent(long processCpuNanos, long gcCount, long gcMillis, Map<String, Threads> groups) {

        static final Spent NONE = new Spent(-1, -1, -1, Map.of());

        long threadCpuNanos(String group) {
            Threads t = groups.get(group);
            return t == null ? -1 : t.cpuNanos();
        }

        long threadAllocatedBytes(String group) {
            Threads t = groups.get(group);
            return t == null ? -1 : t.allocatedBytes();
        }

        long threadRunDelayNanos(String group) {
            Threads t = groups.get(group);
            return t == null ? -1 : t.runDelayNanos();
        }
    }

    ResourceUsage {
        groups = Map.copyOf(groups);
    }

    /** Reads this JVM's counters now; {@code groups} picks the threads of each group. */
    static ResourceUsage read(Map<String, Predicate<ThreadInfo>> groups) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        ThreadInfo[] infos = threads.getThreadInfo(threads.getAllThreadIds());
        KernelTasks tasks = KernelTasks.read();
        Map<String, Threads> read = new LinkedHashMap<>();
        groups.forEach((name, member) -> {
            ThreadInfo[] matched = Arrays.stream(infos).filter(i -> i != null && member.test(i))
                    .sorted(Comparator.comparingLong(ThreadInfo::getThreadId)).toArray(ThreadInfo[]::new);
            long cpu = 0;
            long allocated = 0;
            long runDelay = 0;
            StringJoiner joined = new StringJoiner(",");
            for (ThreadInfo t : matched) {
                long id = t.getThreadId();
                joined.add(Long.toString(id));
                cpu += Math.max(0, threads.getThreadCpuTime(id));
                allocated += Math.max(0, threads.getThreadAllocatedBytes(id));
                long delay = tasks.runDelayNanos(t);
                runDelay = runDelay < 0 || delay < 0 ? -1 : runDelay + delay;
            }
            read.put(name, new Threads(joined.toString(), cpu, allocated, runDelay));
        });
        return new ResourceUsage(os.getProcessCpuTime(), gcCount, gcMillis, read);
    }

    /** The threads whose name starts with {@code prefix}. */
    static Predicate<ThreadInfo> named(String prefix) {
        return i -> i.getThreadName().startsWith(prefix);
    }

    /** The thread with this id. */
    static Predicate<ThreadInfo> thread(long id) {
        return i -> i.getThreadId() == id;
    }

    /** The reading as {@code key=value} fields separated by spaces (no value contains a space). */
    String toFields() {
        StringBuilder b = new StringBuilder();
        b.append("processCpuNanos=").append(processCpuNanos).append(" gcCount=").append(gcCount)
                .append(" gcMillis=").append(gcMillis);
        groups.forEach((name, t) -> b.append(' ').append(name).append(".threads=").append(t.ids())
                .append(' ').append(name).append(".cpuNanos=").append(t.cpuNanos())
                .append(' ').append(name).append(".allocatedBytes=").append(t.allocatedBytes())
                .append(' ').append(name).append(".runDelayNanos=").append(t.runDelayNanos()));
        return b.toString();
    }

    /**
     * The reading {@link #toFields} wrote, from its parsed fields.
     *
     * @throws IllegalArgumentException if a field is missing or not a number
     */
    static ResourceUsage parse(Map<String, String> fields) {
        Map<String, Threads> groups = new LinkedHashMap<>();
        for (String key : fields.keySet()) {
            if (key.endsWith(".cpuNanos")) {
                String name = key.substring(0, key.length() - ".cpuNanos".length());
                groups.put(name, new Threads(fields.getOrDefault(name + ".threads", ""), number(fields, key),
                        number(fields, name + ".allocatedBytes"), number(fields, name + ".runDelayNanos")));
            }
        }
        return new ResourceUsage(number(fields, "processCpuNanos"), number(fields, "gcCount"),
                number(fields, "gcMillis"), groups);
    }

    /**
     * This process's kernel tasks (Linux {@code /proc/self/task}): their names and run delays. Empty
     * where there is no {@code /proc}.
     */
    private record KernelTasks(Map<String, List<Long>> tidsByName, long callerTid) {

        /** The kernel's limit on a task name (TASK_COMM_LEN 16, with the terminating zero). */
        private static final int NAME_LENGTH = 15;

        static KernelTasks read() {
            Map<String, List<Long>> byName = new HashMap<>();
            long caller = -1;
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
                for (Path task : tasks) {
                    String name = Files.readString(task.resolve("comm")).strip();
                    long tid = Long.parseLong(task.getFileName().toString());
                    byName.computeIfAbsent(name, k -> new ArrayList<>()).add(tid);
                }
                caller = Long.parseLong(Path.of("/proc/thread-self").toRealPath().getFileName().toString());
            } catch (IOException | RuntimeException e) {
                return new KernelTasks(Map.of(), -1);
            }
            return new KernelTasks(byName, caller);
        }

        /** The run delay of {@code thread}'s task so far, or -1 if it cannot be told apart or read. */
        long runDelayNanos(ThreadInfo thread) {
            long tid = -1;
            if (thread.getThreadId() == Thread.currentThread().getId()) {
                tid = callerTid;
            } else {
                String name = thread.getThreadName();
                List<Long> tids = tidsByName.get(name.substring(0, Math.min(NAME_LENGTH, name.length())));
                if (tids != null && tids.size() == 1) {
                    tid = tids.get(0);
                }
            }
            if (tid < 0) {
                return -1;
            }
            try {
                String[] schedstat = Files.readString(Path.of("/proc/self/task", Long.toString(tid), "schedstat"))
                        .strip().split(" ");
                return Long.parseLong(schedstat[1]);
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
    }

    private static long number(Map<String, String> fields, String key) {
        String v = fields.get(key);
        if (v == null) {
            throw new IllegalArgumentException("the home agent JVM's STATS line has no " + key + ": " + fields);
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the home agent JVM's STATS field " + key + " is not a number: " + v);
        }
    }

    /** What was spent from {@code before} to this reading. */
    Spent since(ResourceUsage before) {
        Map<String, Threads> spent = new LinkedHashMap<>();
        groups.forEach((name, now) -> {
            Threads then = before.groups().get(name);
            boolean same = then != null && then.ids().equals(now.ids()) && !now.ids().isEmpty();
            boolean delays = same && now.runDelayNanos() >= 0 && then.runDelayNanos() >= 0;
            spent.put(name, same ? new Threads(now.ids(), now.cpuNanos() - then.cpuNanos(),
                    now.allocatedBytes() - then.allocatedBytes(),
                    delays ? now.runDelayNanos() - then.runDelayNanos() : -1) : new Threads(now.ids(), -1, -1, -1));
        });
        return new Spent(processCpuNanos - before.processCpuNanos(), gcCount - before.gcCount(),
                gcMillis - before.gcMillis(), spent);
    }
}
