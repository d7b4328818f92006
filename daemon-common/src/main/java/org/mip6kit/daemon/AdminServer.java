package org.mip6kit.daemon;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daemon's admin socket: a unix domain stream socket speaking the JSON-lines protocol of
 * {@link AdminProtocol}, with one {@link AdminCommand} per command name. Two commands are
 * built in: {@code ping} (answers {@code daemon} and {@code pid}) and {@code commands} (the
 * sorted list of command names).
 *
 * <p><b>Who may connect.</b> The socket is owner-only from the moment it appears at its path:
 * it is bound inside a fresh {@code 0700} directory next to the configured path, set to
 * {@code 0600} there, and only then renamed into place (a connect needs write permission on
 * the socket file). A missing directory is created {@code 0700}; a directory that anybody may
 * write to without the sticky bit is refused, because anybody could then replace the socket.
 * As a second check, the server asks the kernel who connected ({@code SO_PEERCRED}) and
 * answers only the socket's owner and root.
 *
 * <p><b>Stale sockets.</b> A socket file left by a daemon that died is replaced; a socket some
 * daemon still accepts connections on is refused ("another daemon is running on ..."); a file
 * at the path that is not a socket is never touched. {@link #close()} removes the socket file,
 * unless something else has replaced it meanwhile.
 *
 * <p><b>Bounds.</b> A request line holds at most {@value AdminProtocol#MAX_REQUEST_BYTES}
 * octets; at most {@code maxConnections} clients are connected at once and at most
 * {@code maxConcurrentRequests} requests are answered at once (others get a "busy" error, so
 * admin traffic cannot take the daemon's memory); each request, from the end of the previous
 * answer (or the connection) until its own answer is written, has one deadline of
 * {@code idleTimeout}: a client that sends or reads a byte at a time is still closed at the
 * deadline. Handlers run on the server's own threads, never on the daemon's. Large answers are
 * written as they are produced ({@link AdminStreamingCommand}).
 */
public final class AdminServer implements AutoCloseable {

    /** The built-in command that answers the daemon's name and process id. */
    public static final String PING = "ping";
    /** The built-in command that lists the command names. */
    public static final String COMMANDS = "commands";

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_SOCKET = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** {@code /.} + 8 hex digits + {@code /s}: the private directory the socket is bound in. */
    private static final int TEMPORARY_SUFFIX_BYTES = 2 + 8 + 2;

    private final Path socket;
    private final String daemon;
    private final Map<String, AdminStreamingCommand> commands;
    private final Duration idleTimeout;
    private final ServerSocketChannel server;
    private final Object fileKey;
    private final String owner;
    private final Semaphore slots;
    private final Semaphore requests;
    private final int maxConcurrentRequests;
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptThread;
    private volatile boolean closed;

    private AdminServer(Builder b, ServerSocketChannel server, Object fileKey, String owner) {
        this.socket = b.socket;
        this.daemon = b.daemon;
        TreeMap<String, AdminStreamingCommand> all = new TreeMap<>(b.commands);
        all.put(PING, buffered((request, reply) -> reply.put("daemon", daemon)
                .put("pid", ProcessHandle.current().pid())));
        all.put(COMMANDS, buffered((request, reply) -> {
            var list = reply.putArray("commands");
            all.keySet().forEach(list::add);
        }));
        this.commands = Collections.unmodifiableSortedMap(all);
        this.idleTimeout = b.idleTimeout;
        this.server = server;
        this.fileKey = fileKey;
        this.owner = owner;
        this.slots = new Semaphore(b.maxConnections);
        this.requests = new Semaphore(b.maxConcurrentRequests);
        this.maxConcurrentRequests = b.maxConcurrentRequests;
        this.workers = Executors.newCachedThreadPool(threads("mip6-admin"));
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, threads("mip6-admin-timer"));
        t.setRemoveOnCancelPolicy(true);
        this.timers = t;
        this.acceptThread = new Thread(this::acceptLoop, "mip6-admin-accept " + socket);
        this.acceptThread.setDaemon(true);
    }

    /** A server for the socket at {@code socket} (made absolute). */
    public static Builder builder(Path socket) {
        return new Builder(socket);
    }

    /** Configures and starts an {@link AdminServer}. */
    public static final class Builder {
        private final Path socket;
        private String daemon = "daemon";
        private final Map<String, AdminStreamingCommand> commands = new TreeMap<>();
        private Duration idleTimeout = Duration.ofSeconds(30);
        private int maxConnections = 16;
        private int maxConcurrentRequests = 4;

        private Builder(Path socket) {
            this.socket = Objects.requireNonNull(socket, "socket").toAbsolutePath().normalize();
        }

        /** The daemon's name, answered by {@code ping} (e.g. {@code home-agent}). */
        public Builder daemon(String name) {
            this.daemon = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Registers {@code handler} for requests whose {@code command} is {@code name}.
         *
         * @throws IllegalArgumentException if the name is taken or built in
         */
        public Builder command(String name, AdminCommand handler) {
            Objects.requireNonNull(handler, "handler");
            return streamingCommand(name, buffered(handler));
        }

        /**
         * Registers {@code handler} for requests whose {@code command} is {@code name}; its
         * answer is written to the connection as the handler produces it.
         *
         * @throws IllegalArgumentException if the name is taken or built in
         */
        public Builder streamingCommand(String name, AdminStreamingCommand handler) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(handler, "handler");
            if (name.equals(PING) || name.equals(COMMANDS) || commands.containsKey(name)) {
                throw new IllegalArgumentException("admin command '" + name + "' is already defined");
            }
            commands.put(name, handler);
            return this;
        }

        /**
         * The deadline of one request: from the end of the previous answer (or the connection)
         * until this request's answer is written, however the bytes trickle in or out; default
         * 30 s. A connection that sends nothing is closed after it too.
         */
        public Builder idleTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("idle timeout must be positive, got " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /** How many clients are served at once; default 16. */
        public Builder maxConnections(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1, got " + n);
            }
            this.maxConnections = n;
            return this;
        }

        /**
         * How many requests are answered at once, over all connections; default 4. A request
         * beyond that gets a "busy" error at once (the connection stays usable).
         */
        public Builder maxConcurrentRequests(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxConcurrentRequests must be at least 1, got " + n);
            }
            this.maxConcurrentRequests = n;
            return this;
        }

        /**
         * Binds the socket (replacing a stale one) and starts accepting.
         *
         * @throws AdminException if another daemon is running on the socket, the path is too
         *         long or not a socket, the directory is unsafe, or binding fails
         */
        public AdminServer start() throws AdminException {
            ServerSocketChannel server = bind(socket);
            try {
                BasicFileAttributes attributes = Files.readAttributes(socket, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                String owner = Files.getOwner(socket, LinkOption.NOFOLLOW_LINKS).getName();
                AdminServer s = new AdminServer(this, server, attributes.fileKey(), owner);
                s.acceptThread.start();
                LOG.info("admin socket {} ready (owner-only; commands: {})", socket,
                        String.join(", ", s.commands.keySet()));
                return s;
            } catch (IOException | RuntimeException e) {
                closeQuietly(server);
                deleteQuietly(socket);
                throw new AdminException("cannot start the admin socket " + socket + ": " + e.getMessage(), e);
            }
        }
    }

    /** The socket's absolute path. */
    public Path socket() {
        return socket;
    }

    /**
     * The problem with {@code socket} as an admin socket path, if it is too long for the
     * kernel (including the private directory it is first bound in), else {@code null}.
     */
    public static String pathTooLong(Path socket) {
        Path absolute = socket.toAbsolutePath().normalize();
        int finalBytes = AdminProtocol.pathBytes(absolute);
        Path parent = absolute.getParent();
        int temporaryBytes = parent == null ? finalBytes : AdminProtocol.pathBytes(parent) + TEMPORARY_SUFFIX_BYTES;
        int needed = Math.max(finalBytes, temporaryBytes);
        if (needed <= AdminProtocol.MAX_SOCKET_PATH_BYTES) {
            return null;
        }
        return "the socket path " + absolute + " needs " + needed + " octets; a unix socket path holds at most "
                + AdminProtocol.MAX_SOCKET_PATH_BYTES + " (choose a shorter directory)";
    }

    // ------------------------------------------------------------------ binding

    private static ServerSocketChannel bind(Path socket) throws AdminException {
        String tooLong = pathTooLong(socket);
        if (tooLong != null) {
            throw new AdminException("cannot start the admin socket: " + tooLong);
        }
        Path directory = socket.getParent();
        prepareDirectory(directory, socket);
        replaceStale(socket);
        Path privateDirectory = null;
        Path temporary = null;
        ServerSocketChannel server = null;
        try {
            privateDirectory = directory.resolve("." + HexFormat.of().toHexDigits(RANDOM.nextInt()));
            Files.createDirectory(privateDirectory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            Files.setPosixFilePermissions(privateDirectory, OWNER_ONLY_DIRECTORY);
            temporary = privateDirectory.resolve("s");
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(temporary), 16);
            Files.setPosixFilePermissions(temporary, OWNER_ONLY_SOCKET);
            Files.move(temporary, socket);
            return server;
        } catch (FileAlreadyExistsException e) {
            closeQuietly(server);
            throw new AdminException("another daemon is running on " + socket + " (its socket appeared while this "
                    + "one was starting): stop it first, or give this daemon another admin.socket");
        } catch (IOException | RuntimeException e) {
            closeQuietly(server);
            throw new AdminException("cannot bind the admin socket " + socket + ": " + e.getMessage(), e);
        } finally {
            if (temporary != null) {
                deleteQuietly(temporary);
            }
            if (privateDirectory != null) {
                deleteQuietly(privateDirectory);
            }
        }
    }

    private static void prepareDirectory(Path directory, Path socket) throws AdminException {
        try {
            if (!Files.exists(directory)) {
                Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
                return;
            }
            PosixFileAttributes a = Files.readAttributes(directory, PosixFileAttributes.class);
            if (!a.isDirectory()) {
                throw new AdminException("cannot start the admin socket " + socket + ": " + directory
                        + " is not a directory");
            }
            Set<PosixFilePermission> p = a.permissions();
            boolean sticky = (unixMode(directory) & 01000) != 0;
            if (p.contains(PosixFilePermission.OTHERS_WRITE) && !sticky) {
                throw new AdminException("refusing to put the admin socket in " + directory + ": anybody may write "
                        + "to that directory (mode " + PosixFilePermissions.toString(p) + ", no sticky bit) and "
                        + "could replace the socket; choose a directory only you can write to");
            }
        } catch (IOException e) {
            throw new AdminException("cannot prepare the directory of the admin socket " + socket + ": "
                    + e.getMessage(), e);
        }
    }

    private static int unixMode(Path path) {
        try {
            Object mode = Files.getAttribute(path, "unix:mode");
            return mode instanceof Integer m ? m : 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return 0;
        }
    }

    /**
     * A socket file whose daemon is gone is deleted; a live one, or a file that is not a
     * socket, is refused.
     */
    private static void replaceStale(Path socket) throws AdminException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return; // nothing there
        }
        if (!a.isOther()) {
            String kind = a.isDirectory() ? "a directory" : a.isSymbolicLink() ? "a symbolic link" : "a regular file";
            throw new AdminException(socket + " exists and is " + kind + ", not a socket; refusing to replace it: "
                    + "remove it, or set admin.socket to another path");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
        } catch (ConnectException e) {
            try {
                Files.deleteIfExists(socket);
                LOG.info("removed the stale admin socket {} of a daemon that is no longer running", socket);
                return;
            } catch (IOException d) {
                throw new AdminException("cannot remove the stale admin socket " + socket + ": " + d.getMessage(), d);
            }
        } catch (IOException e) {
            throw new AdminException("cannot tell whether a daemon is running on " + socket + " (" + e.getMessage()
                    + "); if none is, remove the file");
        }
        throw new AdminException("another daemon is running on " + socket + " (it accepts connections): stop it "
                + "first, or give this daemon another admin.socket");
    }

    // ------------------------------------------------------------------ serving

    private void acceptLoop() {
        while (!closed) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("admin socket {}: accept failed: {}", socket, e.toString());
                }
                continue;
            }
            String refusal = refusal(c);
            if (refusal != null) {
                refuse(c, refusal);
                continue;
            }
            if (!slots.tryAcquire()) {
                refuse(c, "busy: the daemon already serves the most admin connections it takes at once; try again");
                continue;
            }
            connections.add(c);
            try {
                workers.execute(() -> serve(c));
            } catch (RuntimeException e) {
                connections.remove(c);
                slots.release();
                closeQuietly(c);
            }
        }
    }

    /** Why a connected peer may not use the socket, or {@code null}. */
    private String refusal(SocketChannel c) {
        try {
            UnixDomainPrincipal peer = c.getOption(ExtendedSocketOptions.SO_PEERCRED);
            String user = peer.user().getName();
            if (user.equals(owner) || user.equals("root")) {
                return null;
            }
            LOG.warn("admin socket {}: refused a connection from user {}", socket, user);
            return "permission denied: the admin socket answers only its owner " + owner;
        } catch (IOException | UnsupportedOperationException e) {
            return null; // the socket file's mode still keeps others out
        }
    }

    /**
     * Answers {@code error} and closes, on the accept thread without blocking: a refused client
     * gets no thread of its own, and one that does not read just loses the answer.
     */
    private void refuse(SocketChannel c, String error) {
        try {
            c.configureBlocking(false);
            byte[] json = AdminProtocol.JSON.writeValueAsBytes(error(error));
            c.write(ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip());
            // Half-close and keep the socket a moment: a client that writes its request before
            // reading gets the answer instead of a broken pipe.
            c.shutdownOutput();
            timers.schedule(() -> closeQuietly(c), 1, TimeUnit.SECONDS);
        } catch (IOException | RuntimeException e) {
            closeQuietly(c); // the client went away, or the server is closing
        }
    }

    private void serve(SocketChannel c) {
        ScheduledFuture<?> deadline = null;
        try (c) {
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            deadline = deadline(c);
            while (!closed) {
                buffer.clear();
                int n = c.read(buffer);
                if (n < 0) {
                    return;
                }
                for (int i = 0; i < n; i++) {
                    byte b = buffer.get(i);
                    if (b != '\n') {
                        line.write(b);
                        if (line.size() >= AdminProtocol.MAX_REQUEST_BYTES) {
                            write(c, error("request longer than " + AdminProtocol.MAX_REQUEST_BYTES
                                    + " octets; a request is one line of JSON"));
                            return;
                        }
                        continue;
                    }
                    byte[] bytes = line.toByteArray();
                    line.reset();
                    String text;
                    try {
                        text = AdminProtocol.utf8(bytes, bytes.length).strip();
                    } catch (CharacterCodingException e) {
                        write(c, error("the request is not UTF-8 text"));
                        return;
                    }
                    if (!text.isEmpty()) {
                        respond(c, text);
                    }
                    deadline.cancel(false);
                    deadline = deadline(c);
                }
            }
        } catch (ClosedChannelException e) {
            // deadline passed, or shutdown
        } catch (IOException e) {
            LOG.debug("admin socket {}: connection ended: {}", socket, e.toString());
        } finally {
            if (deadline != null) {
                deadline.cancel(false);
            }
            connections.remove(c);
            slots.release();
        }
    }

    /** Closes {@code c} unless cancelled within the request deadline. */
    private ScheduledFuture<?> deadline(SocketChannel c) throws ClosedChannelException {
        try {
            return timers.schedule(() -> closeQuietly(c), idleTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            throw new ClosedChannelException(); // shutting down
        }
    }

    private void respond(SocketChannel c, String text) throws IOException {
        if (!requests.tryAcquire()) {
            write(c, error("busy: the daemon is already answering " + maxConcurrentRequests
                    + " admin requests, the most it answers at once; try again (see docs/errors.md#admin-socket-busy)"));
            return;
        }
        try {
            JsonNode request;
            try {
                request = AdminProtocol.JSON.readTree(text);
            } catch (JsonProcessingException e) {
                write(c, error("the request is not valid JSON: " + e.getOriginalMessage()));
                return;
            }
            if (request == null || !request.isObject()) {
                write(c, error("a request is one JSON object, such as {\"command\":\"" + COMMANDS + "\"}"));
                return;
            }
            JsonNode name = request.get("command");
            if (name == null || !name.isTextual()) {
                write(c, error("the request has no \"command\" string; commands: "
                        + String.join(", ", commands.keySet())));
                return;
            }
            AdminStreamingCommand command = commands.get(name.textValue());
            if (command == null) {
                write(c, error("unknown command '" + name.textValue() + "'; commands: "
                        + String.join(", ", commands.keySet())));
                return;
            }
            AdminStreamingCommand.Answer answer;
            try {
                answer = command.open((ObjectNode) request);
            } catch (AdminException e) {
                write(c, error(e.getMessage()));
                return;
            } catch (RuntimeException e) {
                LOG.error("admin socket {}: command {} failed", socket, name.textValue(), e);
                write(c, error("internal error in command '" + name.textValue() + "': " + e));
                return;
            }
            stream(c, name.textValue(), answer);
        } finally {
            requests.release();
        }
    }

    /** Writes {@code {"ok":true, <fields>}\n} through a small buffer, as the answer produces it. */
    private void stream(SocketChannel c, String name, AdminStreamingCommand.Answer answer) throws IOException {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(c), 8192);
        JsonGenerator g = AdminProtocol.JSON.createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.writeStartObject();
        g.writeBooleanField("ok", true);
        try {
            answer.writeFields(g);
        } catch (RuntimeException e) {
            LOG.error("admin socket {}: command {} failed while answering; connection closed", socket, name, e);
            throw new ClosedChannelException();
        }
        g.writeEndObject();
        g.flush();
        out.write('\n');
        out.flush();
    }

    /** An {@link AdminCommand} as a streaming one: its whole reply is built, then written. */
    private static AdminStreamingCommand buffered(AdminCommand command) {
        return request -> {
            ObjectNode reply = AdminProtocol.JSON.createObjectNode();
            command.handle(request, reply);
            reply.remove("ok");
            return out -> {
                var fields = reply.fields();
                while (fields.hasNext()) {
                    var field = fields.next();
                    out.writeFieldName(field.getKey());
                    out.writeTree(field.getValue());
                }
            };
        };
    }

    private static ObjectNode error(String message) {
        return AdminProtocol.JSON.createObjectNode().put("ok", false).put("error", message);
    }

    private void write(SocketChannel c, ObjectNode response) throws IOException {
        byte[] json = AdminProtocol.JSON.writeValueAsBytes(response);
        ByteBuffer out = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
        while (out.hasRemaining()) {
            c.write(out);
        }
    }

    // ------------------------------------------------------------------ closing

    /**
     * Stops accepting, lets requests being answered finish (up to two seconds), closes every
     * connection and removes the socket file if it is still this server's. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(server);
        try {
            acceptThread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(200, TimeUnit.MILLISECONDS)) {
                // Connections waiting for their next request: nothing is in flight there.
                connections.forEach(AdminServer::closeQuietly);
                workers.awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
        timers.shutdownNow();
        removeSocketFile();
    }

    private void removeSocketFile() {
        try {
            BasicFileAttributes a = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (fileKey != null && !fileKey.equals(a.fileKey())) {
                LOG.warn("admin socket {} was replaced by another file; leaving it", socket);
                return;
            }
            Files.deleteIfExists(socket);
            LOG.info("admin socket {} removed", socket);
        } catch (IOException e) {
            LOG.debug("admin socket {} already gone: {}", socket, e.toString());
        }
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "AdminServer[" + socket + (closed ? ", closed" : "") + "]";
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // nothing to do
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // best effort
        }
    }
}
