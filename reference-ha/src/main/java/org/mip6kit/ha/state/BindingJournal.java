package org.mip6kit.ha.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

import org.mip6kit.engine.BindingStore;
import org.mip6kit.engine.StoredBinding;
import org.mip6kit.wire.Ipv6Address;

/**
 * The home agent's durable binding store: an append-only journal with snapshots in the state
 * directory, written with group commit (docs/operator-guide.md, "Durable state"; the choice is
 * docs/decisions.md's).
 *
 * <p><b>Files.</b> {@value #JOURNAL} and {@value #SNAPSHOT} each start with an 8-octet magic and
 * a 64-bit generation; the snapshot then has its entry count. After the header, entries are
 * framed as {@code length (4) | CRC-32C of the payload (4) | payload}
 * ({@link StoredBindingCodec}); the last entry for a home address is its state. {@value #LOCK}
 * is held locked while a home agent uses the directory, so a second one on the same directory
 * is refused.
 *
 * <p><b>Writing.</b> {@link #write} queues the entry and returns at once. One writer thread
 * takes every queued entry (at most {@link Settings#maxBatch()}), appends them with one
 * {@code write} and makes them durable with one {@link FileChannel#force}: one sync for many
 * changes. An entry the engine waits for ({@link BindingStore.Durability#BEFORE_ACK}) waits at
 * most {@link Settings#syncDelay()} for others to join its batch; entries nothing waits for
 * ({@code LATER}) wait at most {@link Settings#laterDelay()}, or go with the next batch that
 * syncs anyway. The writer is woken only when a queued entry brings the batch's deadline
 * forward (the first entry, the first one the engine waits for) or fills the batch, not for
 * every entry. A synced batch's stages are completed on a second thread,
 * {@code mip6-ha-state-completion}, one batch after the other in order: what the engine does
 * once a change is durable (commit it, send its Binding Acknowledgement) runs there, and the
 * writer goes on with the next batch meanwhile. If a write or
 * sync fails the store fails for good: that batch and every later write complete
 * exceptionally, so the home agent answers 130 rather than acknowledge a change whose fate on
 * disk is unknown (after a failed {@code fsync} the kernel may have dropped the pages, and a
 * retry would report success).
 *
 * <p><b>Snapshots.</b> When the journal has grown past {@link Settings#snapshotAfterBytes()}
 * and past twice the size of the live entries, the writer writes every live entry to a new
 * snapshot of the next generation (a temporary file, synced, renamed over the old one, the
 * directory synced), then starts an empty journal of that generation the same way. Replay holds
 * that have lapsed, and bindings whose replay hold after their expiry has lapsed, are left out.
 * A journal of an older generation than the snapshot was superseded by it (a crash between the
 * two renames) and is ignored.
 *
 * <p><b>Recovery</b> ({@link #open}). The snapshot must be intact. The journal's entries are
 * applied in order; a damaged last entry — its length running past the end of the file, a
 * CRC mismatch on the entry that ends the file, zeros to the end — is a write torn by a crash:
 * it was never acknowledged, and is cut off. Damage followed by further entries, a damaged
 * snapshot or header, or a journal newer than the snapshot is a {@link StateStoreCorruptException}.
 *
 * <p>Timing here is the writer thread's own (waits on a condition in real time): it paces disk
 * I/O, not the protocol. Thread-safe.
 */
public final class BindingJournal implements BindingStore, AutoCloseable {

    static final String JOURNAL = "bindings.journal";
    static final String SNAPSHOT = "bindings.snapshot";
    static final String LOCK = "lock";
    private static final byte[] JOURNAL_MAGIC = {'M', '6', 'J', 'R', 'N', 'L', '0', '1'};
    private static final byte[] SNAPSHOT_MAGIC = {'M', '6', 'S', 'N', 'A', 'P', '0', '1'};
    private static final int JOURNAL_HEADER = 16;
    private static final int SNAPSHOT_HEADER = 20;
    private static final int FRAME = 8;
    /** Longer than any entry the codec writes; a longer length field is damage. */
    static final int MAX_ENTRY = 8192;

    /**
     * How the store batches and compacts.
     *
     * @param syncDelay how long a change a Binding Acknowledgement waits for may wait for others
     *        to share its sync ({@code state.sync-delay}); zero syncs at once
     * @param laterDelay how long a change nothing waits for may wait
     * @param maxBatch most entries per sync
     * @param snapshotAfterBytes journal size past which a snapshot is considered
     * @param replayHold the home agent's {@code replay-hold}: how long a binding's entry matters after it expired
     */
    public record Settings(Duration syncDelay, Duration laterDelay, int maxBatch, long snapshotAfterBytes,
                           Duration replayHold) {
        public Settings {
            Objects.requireNonNull(syncDelay, "syncDelay");
            Objects.requireNonNull(laterDelay, "laterDelay");
            Objects.requireNonNull(replayHold, "replayHold");
            if (syncDelay.isNegative() || laterDelay.isNegative() || maxBatch < 1 || snapshotAfterBytes < 1) {
                throw new IllegalArgumentException("delays must not be negative, batch and snapshot bound positive");
            }
        }

        /** {@code syncDelay}; changes nothing waits for within 1 s; 4096 per sync; snapshots past 64 MiB. */
        public static Settings of(Duration syncDelay, Duration replayHold) {
            return new Settings(syncDelay, Duration.ofSeconds(1), 4096, 64L << 20, replayHold);
        }
    }

    /** What {@link #open} found. */
    public record Recovery(List<StoredBinding> entries, long journalEntries, long tornBytes) {
    }

    private record Pending(byte[] payload, Ipv6Address homeAddress, boolean removal, boolean urgent,
                           long queuedNanos, CompletableFuture<Void> done) {
    }

    private final Path directory;
    private final Path journalFile;
    private final Settings settings;
    private final Clock clock;
    private final FileChannel lockChannel;
    private final FileLock lock;
    /** The durable state: the last payload per home address. Touched by the writer thread only, after open. */
    private final Map<Ipv6Address, byte[]> live;
    private final Recovery recovery;
    private final ReentrantLock queueLock = new ReentrantLock();
    private final Condition queued = queueLock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final Thread writer;
    /** Completes synced batches' stages, in order, so the engine's continuations never hold up the writer. */
    private final ExecutorService completions;
    /** Entries in {@link #queue} the engine waits for, and when the oldest of them was queued. Under queueLock. */
    private int urgentQueued;
    private long firstUrgentNanos;
    /** Times the writer woke from waiting for the queue. Under queueLock. */
    private long writerWakeups;
    private FileChannel journal;
    private long journalBytes;
    private long liveBytes;
    private long generation;
    private long syncs;
    private long entriesWritten;
    private volatile IOException failed;
    private boolean closing;

    private BindingJournal(Path directory, Settings settings, Clock clock, FileChannel lockChannel, FileLock lock,
                           Map<Ipv6Address, byte[]> live, long generation, Recovery recovery) {
        this.directory = directory;
        this.journalFile = directory.resolve(JOURNAL);
        this.settings = settings;
        this.clock = clock;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.live = live;
        this.generation = generation;
        this.recovery = recovery;
        for (byte[] p : live.values()) {
            liveBytes += FRAME + p.length;
        }
        this.writer = new Thread(this::writeLoop, "mip6-ha-state-writer");
        writer.setDaemon(true);
        this.completions = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mip6-ha-state-completion");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens (creating it if absent, owner-only) the store in {@code directory}, recovers what it
     * holds and starts its writer.
     *
     * @throws StateStoreCorruptException if a file is damaged beyond a torn last entry
     * @throws IOException if the directory cannot be used, or another process holds its lock
     */
    public static BindingJournal open(Path directory, Settings settings, Clock clock) throws IOException {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory);
            try {
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: its own defaults apply.
            }
        }
        FileChannel lockChannel = FileChannel.open(directory.resolve(LOCK), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null; // held by this very process
        } catch (IOException | RuntimeException e) {
            lockChannel.close();
            throw e;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("the state directory " + directory + " is in use by another home agent (its "
                    + LOCK + " file is locked)");
        }
        try {
            Files.deleteIfExists(directory.resolve(SNAPSHOT + ".tmp"));
            Files.deleteIfExists(directory.resolve(JOURNAL + ".tmp"));
            Map<Ipv6Address, byte[]> live = new HashMap<>();
            long generation = readSnapshot(directory.resolve(SNAPSHOT), live);
            Path journalFile = directory.resolve(JOURNAL);
            long[] counts = {0, 0};
            boolean fresh = true;
            if (Files.exists(journalFile)) {
                long journalGeneration = readJournal(journalFile, generation, live, counts);
                fresh = journalGeneration < generation;
            }
            List<StoredBinding> entries = new ArrayList<>(live.size());
            for (Map.Entry<Ipv6Address, byte[]> e : live.entrySet()) {
                entries.add(StoredBindingCodec.decode(e.getValue()));
            }
            BindingJournal j = new BindingJournal(directory, settings, clock, lockChannel, lock, live, generation,
                    new Recovery(List.copyOf(entries), counts[0], counts[1]));
            if (fresh) {
                j.startJournal(generation);
            } else {
                j.journal = FileChannel.open(journalFile, StandardOpenOption.WRITE);
                j.journalBytes = j.journal.size();
                j.journal.position(j.journalBytes);
            }
            j.writer.start();
            return j;
        } catch (IOException | RuntimeException e) {
            lock.release();
            lockChannel.close();
            throw e;
        }
    }

    /** Times the writer thread woke up to look at the queue (a test of the batching, not a metric). */
    long writerWakeups() {
        queueLock.lock();
        try {
            return writerWakeups;
        } finally {
            queueLock.unlock();
        }
    }

    /** What was in the store when it was opened. */
    public Recovery recovery() {
        return recovery;
    }

    public Path directory() {
        return directory;
    }

    /** Syncs so far (each made a batch of entries durable). */
    public synchronized long syncs() {
        return syncs;
    }

    /** Entries made durable so far. */
    public synchronized long entriesWritten() {
        return entriesWritten;
    }

    /** The snapshot generation the journal continues. */
    public synchronized long generation() {
        return generation;
    }

    @Override
    public CompletionStage<Void> write(StoredBinding binding, Durability durability) {
        return enqueue(StoredBindingCodec.put(binding), binding.binding().homeAddress(), false,
                durability == Durability.BEFORE_ACK);
    }

    @Override
    public CompletionStage<Void> remove(Ipv6Address homeAddress) {
        return enqueue(StoredBindingCodec.remove(homeAddress), homeAddress, true, false);
    }

    private CompletionStage<Void> enqueue(byte[] payload, Ipv6Address hoa, boolean removal, boolean urgent) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        queueLock.lock();
        try {
            IOException f = failed;
            if (f != null || closing) {
                done.completeExceptionally(f != null ? failedEarlier(f) : new IOException("the state store is closed"));
                return done;
            }
            long now = System.nanoTime();
            boolean wasEmpty = queue.isEmpty();
            boolean firstUrgent = urgent && urgentQueued == 0;
            queue.add(new Pending(payload, hoa, removal, urgent, now, done));
            if (firstUrgent) {
                firstUrgentNanos = now;
            }
            if (urgent) {
                urgentQueued++;
            }
            // Only an entry that brings the deadline forward or fills the batch is news to a
            // waiting writer; the others join the batch it is already waiting for.
            if (wasEmpty || firstUrgent || queue.size() == settings.maxBatch()) {
                queued.signal();
            }
        } finally {
            queueLock.unlock();
        }
        return done;
    }

    private IOException failedEarlier(IOException cause) {
        return new IOException("the state store in " + directory + " failed earlier and takes no more changes ("
                + cause.getMessage() + "); restart the home agent once the disk is fixed", cause);
    }

    /** Writes what is queued, then stops the writer and releases the directory. */
    @Override
    public void close() {
        queueLock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
            queued.signalAll();
        } finally {
            queueLock.unlock();
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        completions.shutdown();
        try {
            if (!completions.awaitTermination(30, TimeUnit.SECONDS)) {
                completions.shutdownNow();
            }
        } catch (InterruptedException e) {
            completions.shutdownNow();
            Thread.currentThread().interrupt();
        }
        try {
            journal.close();
        } catch (IOException e) {
            // Everything acknowledged was synced already.
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            // The lock goes with the process anyway.
        }
    }

    // ------------------------------------------------------------------ writer

    private void writeLoop() {
        while (true) {
            List<Pending> batch = nextBatch();
            if (batch == null) {
                return;
            }
            writeBatch(batch);
        }
    }

    /** The next batch once its delay has passed; null once closing and empty. */
    private List<Pending> nextBatch() {
        queueLock.lock();
        try {
            while (true) {
                if (queue.isEmpty()) {
                    if (closing) {
                        return null;
                    }
                    queued.awaitUninterruptibly();
                    writerWakeups++;
                    continue;
                }
                // Entries are queued in time order: the oldest entry and the oldest urgent one
                // set the deadline, so no walk of the queue is needed.
                long deadline = queue.peek().queuedNanos + settings.laterDelay().toNanos();
                if (urgentQueued > 0) {
                    deadline = Math.min(deadline, firstUrgentNanos + settings.syncDelay().toNanos());
                }
                long wait = deadline - System.nanoTime();
                if (wait <= 0 || closing || queue.size() >= settings.maxBatch()) {
                    return takeBatch();
                }
                try {
                    queued.awaitNanos(wait);
                } catch (InterruptedException e) {
                    // The writer is never interrupted on purpose; go on writing.
                }
                writerWakeups++;
            }
        } finally {
            queueLock.unlock();
        }
    }

    /** Takes up to maxBatch entries off the queue. Under queueLock. */
    private List<Pending> takeBatch() {
        List<Pending> batch = new ArrayList<>(Math.min(queue.size(), settings.maxBatch()));
        while (!queue.isEmpty() && batch.size() < settings.maxBatch()) {
            Pending p = queue.poll();
            if (p.urgent) {
                urgentQueued--;
            }
            batch.add(p);
        }
        if (urgentQueued > 0) {
            // More than a batch was queued (rare): find the oldest urgent entry left.
            for (Pending p : queue) {
                if (p.urgent) {
                    firstUrgentNanos = p.queuedNanos;
                    break;
                }
            }
        }
        return batch;
    }

    private void writeBatch(List<Pending> batch) {
        IOException f = failed;
        if (f == null) {
            try {
                int size = 0;
                for (Pending p : batch) {
                    size += FRAME + p.payload.length;
                }
                ByteBuffer out = ByteBuffer.allocate(size);
                CRC32C crc = new CRC32C();
                for (Pending p : batch) {
                    crc.reset();
                    crc.update(p.payload);
                    out.putInt(p.payload.length).putInt((int) crc.getValue()).put(p.payload);
                }
                out.flip();
                while (out.hasRemaining()) {
                    journal.write(out);
                }
                journal.force(false);
                synchronized (this) {
                    journalBytes += size;
                    syncs++;
                    entriesWritten += batch.size();
                }
                for (Pending p : batch) {
                    byte[] old = p.removal ? live.remove(p.homeAddress) : live.put(p.homeAddress, p.payload);
                    liveBytes += (p.removal ? 0 : FRAME + p.payload.length) - (old == null ? 0 : FRAME + old.length);
                }
            } catch (IOException | RuntimeException e) {
                f = e instanceof IOException io ? io : new IOException(e.toString(), e);
                failed = f;
                drainAfterFailure(f);
            }
        }
        IOException cause = f;
        complete(batch, cause == null ? null : () -> new IOException("the state store in " + directory
                + " could not make the change durable: " + cause.getMessage(), cause));
        if (f == null && journalBytes > settings.snapshotAfterBytes() && journalBytes > 2 * liveBytes) {
            try {
                snapshot();
            } catch (IOException e) {
                failed = e;
                drainAfterFailure(e);
            }
        }
    }

    /**
     * Completes the stages of {@code batch} on the completion thread, normally when
     * {@code failure} is null, else each with its own exception from it: whatever the engine
     * does next runs there, not on the writer.
     */
    private void complete(List<Pending> batch, java.util.function.Supplier<IOException> failure) {
        Runnable completion = () -> {
            for (Pending p : batch) {
                if (failure == null) {
                    p.done.complete(null);
                } else {
                    p.done.completeExceptionally(failure.get());
                }
            }
        };
        try {
            completions.execute(completion);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            completion.run(); // only after close gave up waiting for the completion thread
        }
    }

    private void drainAfterFailure(IOException cause) {
        List<Pending> dropped;
        queueLock.lock();
        try {
            dropped = new ArrayList<>(queue);
            queue.clear();
            urgentQueued = 0;
        } finally {
            queueLock.unlock();
        }
        complete(dropped, () -> failedEarlier(cause));
    }

    /** Writes the live entries as the next generation's snapshot and starts its empty journal. */
    private void snapshot() throws IOException {
        long now = clock.millis();
        long holdMillis = settings.replayHold().toMillis();
        List<byte[]> keep = new ArrayList<>(live.size());
        for (Map.Entry<Ipv6Address, byte[]> e : new ArrayList<>(live.entrySet())) {
            byte[] p = e.getValue();
            long expiry = ByteBuffer.wrap(p, StoredBindingCodec.EXPIRY_OFFSET, 8).getLong();
            boolean bound = p[StoredBindingCodec.STATE_OFFSET] == 1;
            if ((bound ? expiry + holdMillis : expiry) <= now) {
                live.remove(e.getKey());
                liveBytes -= FRAME + p.length;
            } else {
                keep.add(p);
            }
        }
        long next = generation + 1;
        Path tmp = directory.resolve(SNAPSHOT + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(SNAPSHOT_HEADER).put(SNAPSHOT_MAGIC).putLong(next)
                    .putInt(keep.size());
            header.flip();
            writeFully(out, header);
            CRC32C crc = new CRC32C();
            ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
            for (byte[] p : keep) {
                if (chunk.remaining() < FRAME + p.length) {
                    chunk.flip();
                    writeFully(out, chunk);
                    chunk.clear();
                }
                crc.reset();
                crc.update(p);
                chunk.putInt(p.length).putInt((int) crc.getValue()).put(p);
            }
            chunk.flip();
            writeFully(out, chunk);
            out.force(true);
        }
        replace(tmp, directory.resolve(SNAPSHOT));
        journal.close();
        startJournal(next);
        synchronized (this) {
            generation = next;
        }
    }

    private void startJournal(long gen) throws IOException {
        Path tmp = directory.resolve(JOURNAL + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(JOURNAL_HEADER).put(JOURNAL_MAGIC).putLong(gen);
            header.flip();
            writeFully(out, header);
            out.force(true);
        }
        replace(tmp, journalFile);
        journal = FileChannel.open(journalFile, StandardOpenOption.WRITE);
        journal.position(JOURNAL_HEADER);
        synchronized (this) {
            journalBytes = JOURNAL_HEADER;
        }
    }

    private void replace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the state directory " + directory + " cannot rename files atomically", e);
        }
        syncDirectory(directory);
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a directory; the rename is then as durable as they make it.
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    // ------------------------------------------------------------------ recovery

    /** Loads the snapshot into {@code live}; its generation, 0 when there is none. */
    private static long readSnapshot(Path file, Map<Ipv6Address, byte[]> live) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all);
        if (all.length < SNAPSHOT_HEADER || !magic(b, SNAPSHOT_MAGIC)) {
            throw new StateStoreCorruptException(file, 0, "not a binding snapshot (wrong or short header)");
        }
        long generation = b.getLong();
        int count = b.getInt();
        for (int i = 0; i < count; i++) {
            long at = b.position();
            byte[] p = frame(file, b, at, true);
            if (p == null) {
                throw new StateStoreCorruptException(file, at, "entry " + (i + 1) + " of " + count + " is damaged");
            }
            apply(file, at, p, live);
        }
        if (b.hasRemaining()) {
            throw new StateStoreCorruptException(file, b.position(), b.remaining() + " octets after the last entry");
        }
        return generation;
    }

    /**
     * Applies the journal to {@code live} when its generation is the snapshot's, cutting off a
     * torn last entry; returns its generation. {@code counts}: entries applied, octets cut off.
     */
    private static long readJournal(Path file, long snapshotGeneration, Map<Ipv6Address, byte[]> live, long[] counts)
            throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all);
        if (all.length < JOURNAL_HEADER || !magic(b, JOURNAL_MAGIC)) {
            throw new StateStoreCorruptException(file, 0, "not a binding journal (wrong or short header)");
        }
        long generation = b.getLong();
        if (generation < snapshotGeneration) {
            return generation; // superseded by the snapshot: a crash came between the two renames
        }
        if (generation > snapshotGeneration) {
            throw new StateStoreCorruptException(file, 8, "the journal continues snapshot generation " + generation
                    + " but the snapshot " + (snapshotGeneration == 0 ? "is missing" : "is generation "
                    + snapshotGeneration));
        }
        while (b.hasRemaining()) {
            long at = b.position();
            byte[] p = frame(file, b, at, false);
            if (p == null) {
                counts[1] = all.length - at;
                try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    c.truncate(at);
                    c.force(true);
                }
                break;
            }
            apply(file, at, p, live);
            counts[0]++;
        }
        return generation;
    }

    /**
     * The payload of the entry at {@code at}, or null for a torn last entry (never in a
     * snapshot: {@code strict}). Damage with more entries after it is corruption.
     */
    private static byte[] frame(Path file, ByteBuffer b, long at, boolean strict) throws StateStoreCorruptException {
        int left = b.remaining();
        if (left < FRAME) {
            if (strict) {
                return null;
            }
            return tornOrCorrupt(file, b, at, "a partial entry header");
        }
        int length = b.getInt();
        int crc = b.getInt();
        if (length < 0 || length > left - FRAME) {
            if (strict) {
                return null;
            }
            b.position((int) at);
            if (length == 0 || length < 0 || length > MAX_ENTRY) {
                return tornOrCorrupt(file, b, at, "entry length " + Integer.toUnsignedString(length));
            }
            return null; // runs past the end of the file: the last write was torn
        }
        if (length == 0 || length > MAX_ENTRY) {
            b.position((int) at);
            return tornOrCorrupt(file, b, at, "entry length " + length);
        }
        byte[] p = new byte[length];
        b.get(p);
        CRC32C c = new CRC32C();
        c.update(p);
        if ((int) c.getValue() != crc) {
            if (!strict && !b.hasRemaining()) {
                return null; // the entry that ends the file: torn
            }
            throw new StateStoreCorruptException(file, at, "CRC mismatch in an entry of " + length
                    + " octets followed by " + b.remaining() + " more octets");
        }
        return p;
    }

    /** Zeros (or nothing) to the end of the file are a torn write; anything else is damage. */
    private static byte[] tornOrCorrupt(Path file, ByteBuffer b, long at, String what)
            throws StateStoreCorruptException {
        for (int i = (int) at; i < b.limit(); i++) {
            if (b.get(i) != 0) {
                throw new StateStoreCorruptException(file, at, what + " with " + (b.limit() - at)
                        + " octets to the end of the file, not all zero");
            }
        }
        b.position(b.limit());
        return null;
    }

    private static void apply(Path file, long at, byte[] p, Map<Ipv6Address, byte[]> live)
            throws StateStoreCorruptException {
        try {
            if (p[0] == StoredBindingCodec.REMOVE) {
                if (p.length != 17) {
                    throw new IllegalArgumentException("a removal of " + p.length + " octets");
                }
                live.remove(StoredBindingCodec.homeAddressOf(p));
            } else {
                StoredBindingCodec.decode(p);
                live.put(StoredBindingCodec.homeAddressOf(p), p);
            }
        } catch (IllegalArgumentException e) {
            throw new StateStoreCorruptException(file, at, "an entry with a valid CRC does not decode ("
                    + e.getMessage() + "): written by another version?");
        }
    }

    private static boolean magic(ByteBuffer b, byte[] magic) {
        for (byte m : magic) {
            if (b.get() != m) {
                return false;
            }
        }
        return true;
    }
}
