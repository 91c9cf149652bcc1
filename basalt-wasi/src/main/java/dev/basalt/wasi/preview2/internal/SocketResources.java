package dev.basalt.wasi.preview2.internal;

import dev.basalt.wasi.preview2.internal.HostResources.InStream;
import dev.basalt.wasi.preview2.internal.HostResources.IoPollable;
import dev.basalt.wasi.preview2.internal.HostResources.OutStream;
import dev.basalt.wasi.preview2.internal.HostResources.Pollable;
import dev.basalt.wasi.preview2.internal.HostResources.Res;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * The resources of wasi:sockets: the {@code network} capability token, TCP and UDP sockets over non-blocking NIO
 * channels, the TCP byte streams and UDP datagram streams, and name-lookup results. A socket and the streams made
 * from it share one {@link Shared channel}, closed when the last of them is dropped (the WIT lets a guest drop the
 * socket before its streams).
 */
final class SocketResources {
    /** Reads of a TCP stream take at most this much per call (a guest's {@code len} is not an allocation size). */
    static final int READ_CHUNK = 64 * 1024;

    private SocketResources() {
    }

    /** {@code wasi:sockets/network.network}: the capability to use the guest's grants; it carries nothing else. */
    static final class Network extends Res {
    }

    /** A channel shared by a socket and its streams: closed when the last holder lets go. */
    static final class Shared {
        final NetworkChannel channel;
        private int holders = 1;

        Shared(NetworkChannel channel) {
            this.channel = channel;
        }

        synchronized Shared hold() {
            holders++;
            return this;
        }

        synchronized void release() throws IOException {
            if (--holders == 0) {
                channel.close();
            }
        }
    }

    /** {@code wasi:sockets/tcp.tcp-socket}, the state machine of the WIT's start-/finish- pairs. */
    static final class TcpSocket extends Res {
        enum State { UNBOUND, BIND_STARTED, BOUND, LISTEN_STARTED, LISTENING, CONNECTING, CONNECTED, CLOSED }

        final boolean ipv6;
        State state;
        /** A {@link SocketChannel} until {@code start-listen} swaps in a {@link ServerSocketChannel}. */
        Shared shared;
        /** The socket was bound under a TCP_LISTEN grant (an ephemeral bind for connecting may not listen). */
        boolean listenGranted;
        int backlog = 128;
        /** Options set before any connection: carried over to the listening channel and accepted connections. */
        final java.util.Map<java.net.SocketOption<?>, Object> options = new java.util.LinkedHashMap<>();
        /** Set by {@code start-connect} when the connection completed at once (usual on loopback). */
        boolean connectedEarly;
        /** 0.3: {@code send} and {@code receive} were called (each may be called once). */
        boolean sendTaken;
        boolean receiveTaken;

        TcpSocket(boolean ipv6, SocketChannel channel, State state) {
            this.ipv6 = ipv6;
            this.shared = new Shared(channel);
            this.state = state;
        }

        SocketChannel socket() {
            return (SocketChannel) shared.channel;
        }

        /** The pollable of {@code subscribe}: waits for a pending connect or a pending accept, else ready. */
        Pollable subscribe() {
            return new IoPollable() {
                @Override
                boolean readyNow() {
                    return (state != State.CONNECTING || connectedEarly) && state != State.LISTENING;
                }

                @Override
                SelectableChannel channel() {
                    return (SelectableChannel) shared.channel;
                }

                @Override
                int ops() {
                    return state == State.LISTENING ? SelectionKey.OP_ACCEPT : SelectionKey.OP_CONNECT;
                }
            };
        }

        @Override
        void close() throws IOException {
            state = State.CLOSED;
            shared.release();
        }
    }

    /** The input stream of a connected TCP socket. */
    static final class TcpIn extends InStream {
        final Shared shared;
        final SocketChannel channel;

        TcpIn(Shared shared) {
            this.shared = shared.hold();
            this.channel = (SocketChannel) shared.channel;
        }

        @Override
        byte[] read(int max, boolean blocking) throws IOException {
            if (max == 0) {
                return new byte[0];
            }
            ByteBuffer buf = ByteBuffer.allocate(Math.min(max, READ_CHUNK));
            while (true) {
                int n = channel.read(buf);
                if (n < 0) {
                    return HostResources.CLOSED;
                }
                if (n > 0 || !blocking) {
                    return java.util.Arrays.copyOf(buf.array(), n);
                }
                owner.net.await((IoPollable) subscribe());
            }
        }

        @Override
        Pollable subscribe() {
            return IoPollable.onChannel(channel, SelectionKey.OP_READ);
        }

        @Override
        void close() throws IOException {
            shared.release();
        }
    }

    /** The output stream of a connected TCP socket: a write completes (waiting for buffer space) before it returns. */
    static final class TcpOut extends OutStream {
        final Shared shared;
        final SocketChannel channel;

        TcpOut(Shared shared) {
            this.shared = shared.hold();
            this.channel = (SocketChannel) shared.channel;
        }

        @Override
        void write(byte[] bytes) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            IoPollable writable = IoPollable.onChannel(channel, SelectionKey.OP_WRITE);
            while (buf.hasRemaining()) {
                if (channel.write(buf) == 0) {
                    owner.net.await(writable);
                }
            }
        }

        @Override
        void close() throws IOException {
            shared.release();
        }
    }

    /** {@code wasi:sockets/udp.udp-socket}. */
    static final class UdpSocket extends Res {
        final boolean ipv6;
        final Shared shared;
        boolean bindStarted;
        boolean bound;
        /** The remote address of the last {@code stream(some(..))}, or null. */
        InetSocketAddress remote;
        /**
         * 0.3: the receive in progress on a virtual thread, or one whose caller cancelled it before a datagram came;
         * the next {@code receive} takes its datagram rather than losing it. Guarded by this socket.
         */
        java.util.concurrent.CompletableFuture<dev.basalt.component.ComponentValue> pendingReceive;

        UdpSocket(boolean ipv6, DatagramChannel channel) {
            this.ipv6 = ipv6;
            this.shared = new Shared(channel);
        }

        DatagramChannel channel() {
            return (DatagramChannel) shared.channel;
        }

        @Override
        void close() throws IOException {
            shared.release();
        }
    }

    /** {@code incoming-datagram-stream}: receives on the socket (from its remote only, once connected). */
    static final class IncomingDatagrams extends Res {
        final UdpSocket socket;
        final Shared shared;

        IncomingDatagrams(UdpSocket socket) {
            this.socket = socket;
            this.shared = socket.shared.hold();
        }

        Pollable subscribe() {
            DatagramChannel ch = socket.channel();
            return IoPollable.onChannel(ch, SelectionKey.OP_READ);
        }

        @Override
        void close() throws IOException {
            shared.release();
        }
    }

    /** {@code outgoing-datagram-stream}: {@code check-send} hands out a permit that {@code send} may use. */
    static final class OutgoingDatagrams extends Res {
        final UdpSocket socket;
        final Shared shared;
        long permit;

        OutgoingDatagrams(UdpSocket socket) {
            this.socket = socket;
            this.shared = socket.shared.hold();
        }

        @Override
        void close() throws IOException {
            shared.release();
        }
    }

    /**
     * A host task's hold on a socket's channel (a 0.3 stream pump or accept loop, which outlive the socket handle):
     * released when the task ends, or with the guest's state, whichever comes first. Never given to the guest.
     */
    static final class ChannelHold extends Res {
        private final Shared shared;
        /** Completes when the hold is released: the task ended, or the guest's state closed. */
        private final java.util.concurrent.CompletableFuture<Void> released =
                new java.util.concurrent.CompletableFuture<>();

        private ChannelHold(Shared shared) {
            this.shared = shared.hold();
        }

        /** Holds {@code shared} for a task of {@code owner}. */
        static ChannelHold of(HostState owner, Shared shared) {
            ChannelHold h = new ChannelHold(shared);
            HostResources.add(owner, h);
            return h;
        }

        /** The task ended. */
        void release() {
            HostResources.drop(rep);
        }

        /**
         * The outcome of {@code copy} (a stream copy, which completes only when the store's event loop runs), or null
         * if the hold was released first: the guest's state closed, nobody will run the loop again, and the task
         * must end rather than stay parked.
         */
        <V> V await(java.util.concurrent.CompletableFuture<V> copy) {
            java.util.concurrent.CompletableFuture.anyOf(copy, released).join();
            return copy.isDone() ? copy.join() : null;
        }

        @Override
        void close() throws IOException {
            if (released.complete(null)) {
                shared.release();
            }
        }
    }

    /** {@code resolve-address-stream}: the addresses, resolved when the stream was made. */
    static final class ResolvedAddresses extends Res {
        final List<InetAddress> addresses;
        int next;

        ResolvedAddresses(List<InetAddress> addresses) {
            this.addresses = List.copyOf(addresses);
        }
    }
}
