package dev.basalt.wasi;

import dev.basalt.Caller;
import dev.basalt.Memory;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.Val;
import dev.basalt.wasi.internal.Errno;
import dev.basalt.wasi.internal.Sandbox;
import dev.basalt.wasi.internal.SandboxFs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The implementations of the {@code wasi_snapshot_preview1} functions. Each takes a {@link Call} (context, guest
 * memory, arguments) and returns an errno; results go to guest memory through pointers. Failures inside are
 * {@link Errno.Failure}s, turned into the errno by {@link WasiPreview1}.
 */
final class Preview1 {
    private Preview1() {
    }

    /** One host call: the WASI context, the caller (for its memory) and the arguments. */
    static final class Call {
        final WasiContext ctx;
        final Caller<?> caller;
        final Val[] args;
        private GuestMemory memory;

        Call(WasiContext ctx, Caller<?> caller, Val[] args) {
            this.ctx = ctx;
            this.caller = caller;
            this.args = args;
        }

        int i(int k) {
            return ((Val.I32) args[k]).value();
        }

        long l(int k) {
            return ((Val.I64) args[k]).value();
        }

        GuestMemory mem() {
            if (memory == null) {
                Memory m = caller.getMemory("memory").orElseThrow(
                        () -> new Trap(TrapKind.HOST_ERROR, "WASI needs the module to export its memory as \"memory\""));
                memory = new GuestMemory(m);
            }
            return memory;
        }

        Descriptor fd(int k) {
            Descriptor d = ctx.fds.get(i(k));
            if (d == null) {
                throw Errno.fail(Errno.BADF);
            }
            return d;
        }

        Descriptor.Directory dir(int k) {
            if (!(fd(k) instanceof Descriptor.Directory d)) {
                throw Errno.fail(Errno.NOTDIR);
            }
            return d;
        }

        String string(int ptrArg, int lenArg) {
            return mem().string(i(ptrArg), i(lenArg));
        }
    }

    // ---------------------------------------------------------------- args, environ

    /** Writes NUL-terminated strings to {@code buf} and their addresses to {@code ptrs}. */
    private static int putStrings(Call c, List<byte[]> strings) {
        int ptrs = c.i(0);
        int buf = c.i(1);
        GuestMemory m = c.mem();
        for (int k = 0; k < strings.size(); k++) {
            byte[] s = strings.get(k);
            m.putI32(ptrs + 4 * k, buf);
            m.write(buf, s);
            m.putU8(buf + s.length, 0);
            buf += s.length + 1;
        }
        return Errno.SUCCESS;
    }

    private static int putSizes(Call c, List<byte[]> strings) {
        long size = 0;
        for (byte[] s : strings) {
            size += s.length + 1;
        }
        c.mem().putI32(c.i(0), strings.size());
        c.mem().putI32(c.i(1), (int) size);
        return Errno.SUCCESS;
    }

    static int argsGet(Call c) {
        return putStrings(c, c.ctx.args);
    }

    static int argsSizesGet(Call c) {
        return putSizes(c, c.ctx.args);
    }

    static int environGet(Call c) {
        return putStrings(c, c.ctx.env);
    }

    static int environSizesGet(Call c) {
        return putSizes(c, c.ctx.env);
    }

    // ---------------------------------------------------------------- clocks, random, process

    private static long now(WasiContext ctx, int clockId) {
        WasiClock clock = ctx.clock;
        return switch (clockId) {
            case Abi.CLOCK_REALTIME -> clock.realtimeNanos();
            case Abi.CLOCK_MONOTONIC -> clock.monotonicNanos();
            case Abi.CLOCK_PROCESS_CPUTIME -> clock.processCpuNanos();
            case Abi.CLOCK_THREAD_CPUTIME -> clock.threadCpuNanos();
            default -> throw Errno.fail(Errno.INVAL);
        };
    }

    static int clockResGet(Call c) {
        int id = c.i(0);
        if (id < 0 || id > Abi.CLOCK_THREAD_CPUTIME) {
            return Errno.INVAL;
        }
        c.mem().putI64(c.i(1), c.ctx.clock.resolutionNanos(id));
        return Errno.SUCCESS;
    }

    static int clockTimeGet(Call c) {
        long t = now(c.ctx, c.i(0));
        c.mem().putI64(c.i(2), t);
        return Errno.SUCCESS;
    }

    static int randomGet(Call c) {
        int ptr = c.i(0);
        long len = Integer.toUnsignedLong(c.i(1));
        c.mem().check(ptr, len);
        for (long done = 0; done < len; ) {
            int n = (int) Math.min(GuestMemory.CHUNK, len - done);
            byte[] bytes = new byte[n];
            c.ctx.random.nextBytes(bytes);
            c.mem().write(ptr + (int) done, bytes);
            done += n;
        }
        return Errno.SUCCESS;
    }

    static void procExit(Call c) {
        c.ctx.flush();
        throw new WasiExitException(c.i(0));
    }

    /**
     * Delivers a signal to the guest process. WASI has no handlers, so the POSIX default action applies: signals
     * whose default is to be ignored ({@code chld}, {@code cont}, {@code urg}, {@code winch}) do nothing; every
     * other valid signal ends the guest as a shell reports a killed process, exit code 128 + the signal number.
     * (wasmtime traps instead; an exit code is what a command-line user expects.) Signal 0 and unknown numbers are
     * {@code EINVAL}.
     */
    static int procRaise(Call c) {
        int sig = c.i(0);
        if (sig <= 0 || sig > Abi.SIGNAL_MAX) {
            return Errno.INVAL;
        }
        if (sig == 16 || sig == 17 || sig == 22 || sig == 27) {
            return Errno.SUCCESS;
        }
        c.ctx.flush();
        throw new WasiExitException(128 + sig);
    }

    static int schedYield(Call c) {
        Thread.yield();
        return Errno.SUCCESS;
    }

    // ---------------------------------------------------------------- fd_*

    static int fdAdvise(Call c) {
        Descriptor d = c.fd(0);
        long offset = c.l(1);
        long len = c.l(2);
        int advice = c.i(3);
        if (!(d instanceof Descriptor.File)) {
            return d instanceof Descriptor.Directory ? Errno.BADF : Errno.SPIPE;
        }
        d.require(Rights.FD_ADVISE);
        if (advice < 0 || advice > Abi.ADVICE_MAX || offset < 0 || len < 0) {
            return Errno.INVAL;
        }
        // Advice is only a hint; the JVM has no posix_fadvise, and ignoring it is always correct.
        return Errno.SUCCESS;
    }

    static int fdAllocate(Call c) throws IOException {
        Descriptor d = c.fd(0);
        long offset = c.l(1);
        long len = c.l(2);
        if (!(d instanceof Descriptor.File f)) {
            return d instanceof Descriptor.Directory ? Errno.BADF : Errno.SPIPE;
        }
        d.require(Rights.FD_ALLOCATE);
        if (offset < 0 || len <= 0 || offset + len < 0) {
            return Errno.INVAL;
        }
        long end = offset + len;
        if (end > f.channel.size()) {
            // Extending by writing the last byte makes the file end there; the bytes before read as zeros.
            f.channel.write(ByteBuffer.wrap(new byte[1]), end - 1);
        }
        return Errno.SUCCESS;
    }

    static int fdClose(Call c) throws IOException {
        Descriptor d = c.fd(0);
        c.ctx.fds.remove(c.i(0));
        d.close();
        return Errno.SUCCESS;
    }

    static int fdDatasync(Call c) throws IOException {
        Descriptor d = c.fd(0);
        d.require(Rights.FD_DATASYNC);
        if (d instanceof Descriptor.File f) {
            f.channel.force(false);
        } else if (d instanceof Descriptor.Stream s && s.out != null) {
            s.out.flush();
        } else {
            return Errno.INVAL;
        }
        return Errno.SUCCESS;
    }

    static int fdSync(Call c) throws IOException {
        Descriptor d = c.fd(0);
        d.require(Rights.FD_SYNC);
        if (d instanceof Descriptor.File f) {
            f.channel.force(true);
        } else if (d instanceof Descriptor.Stream s && s.out != null) {
            s.out.flush();
        } else if (!(d instanceof Descriptor.Directory)) {
            return Errno.INVAL;
        }
        return Errno.SUCCESS;
    }

    static int fdFdstatGet(Call c) {
        Descriptor d = c.fd(0);
        int ptr = c.i(1);
        GuestMemory m = c.mem();
        m.zero(ptr, Abi.FDSTAT_SIZE);
        m.putU8(ptr, d.filetype());
        m.putU16(ptr + 2, d.fdflags);
        m.putI64(ptr + 8, d.rightsBase);
        m.putI64(ptr + 16, d.rightsInheriting);
        return Errno.SUCCESS;
    }

    static int fdFdstatSetFlags(Call c) throws IOException {
        Descriptor d = c.fd(0);
        int flags = c.i(1);
        d.require(Rights.FD_FDSTAT_SET_FLAGS);
        if ((flags & ~0x1F) != 0) {
            return Errno.INVAL;
        }
        int syncFlags = Abi.FDFLAGS_DSYNC | Abi.FDFLAGS_RSYNC | Abi.FDFLAGS_SYNC;
        if ((flags & syncFlags) != (d.fdflags & syncFlags)) {
            // Java opens files with a fixed synchronisation mode; wasmtime cannot change it either.
            return Errno.NOTSUP;
        }
        d.fdflags = flags;
        return Errno.SUCCESS;
    }

    static int fdFdstatSetRights(Call c) {
        Descriptor d = c.fd(0);
        long base = c.l(1);
        long inheriting = c.l(2);
        if ((base & ~d.rightsBase) != 0 || (inheriting & ~d.rightsInheriting) != 0) {
            // Rights can only be dropped, never regained.
            return Errno.NOTCAPABLE;
        }
        d.rightsBase = base;
        d.rightsInheriting = inheriting;
        return Errno.SUCCESS;
    }

    static int fdFilestatGet(Call c) throws IOException {
        Descriptor d = c.fd(0);
        d.require(Rights.FD_FILESTAT_GET);
        int ptr = c.i(1);
        switch (d) {
            case Descriptor.File f -> putFilestat(c.mem(), ptr, f.hostPath, false, f.channel.size());
            case Descriptor.Directory dir -> putFilestat(c.mem(), ptr, dir.hostPath(), false, -1);
            default -> {
                c.mem().zero(ptr, Abi.FILESTAT_SIZE);
                c.mem().putU8(ptr + 16, d.filetype());
            }
        }
        return Errno.SUCCESS;
    }

    static int fdFilestatSetSize(Call c) throws IOException {
        Descriptor d = c.fd(0);
        long size = c.l(1);
        if (!(d instanceof Descriptor.File f)) {
            return d instanceof Descriptor.Directory ? Errno.ISDIR : Errno.INVAL;
        }
        d.require(Rights.FD_FILESTAT_SET_SIZE);
        if (size < 0) {
            return Errno.INVAL;
        }
        setSize(f.channel, size);
        return Errno.SUCCESS;
    }

    private static void setSize(FileChannel ch, long size) throws IOException {
        SandboxFs.setSize(ch, size);
    }

    static int fdFilestatSetTimes(Call c) throws IOException {
        Descriptor d = c.fd(0);
        d.require(Rights.FD_FILESTAT_SET_TIMES);
        Path host = switch (d) {
            case Descriptor.File f -> f.hostPath;
            case Descriptor.Directory dir -> dir.hostPath();
            default -> throw Errno.fail(Errno.BADF);
        };
        return setTimes(c.ctx, host, c.l(1), c.l(2), c.i(3), true);
    }

    private static int setTimes(WasiContext ctx, Path host, long atim, long mtim, int flags, boolean follow)
            throws IOException {
        if ((flags & ~0xF) != 0
                || (flags & (Abi.FSTFLAGS_ATIM | Abi.FSTFLAGS_ATIM_NOW)) == (Abi.FSTFLAGS_ATIM | Abi.FSTFLAGS_ATIM_NOW)
                || (flags & (Abi.FSTFLAGS_MTIM | Abi.FSTFLAGS_MTIM_NOW)) == (Abi.FSTFLAGS_MTIM | Abi.FSTFLAGS_MTIM_NOW)) {
            return Errno.INVAL;
        }
        long now = (flags & (Abi.FSTFLAGS_ATIM_NOW | Abi.FSTFLAGS_MTIM_NOW)) != 0 ? ctx.clock.realtimeNanos() : 0;
        FileTime a = (flags & Abi.FSTFLAGS_ATIM) != 0 ? fileTime(atim)
                : (flags & Abi.FSTFLAGS_ATIM_NOW) != 0 ? fileTime(now) : null;
        FileTime m = (flags & Abi.FSTFLAGS_MTIM) != 0 ? fileTime(mtim)
                : (flags & Abi.FSTFLAGS_MTIM_NOW) != 0 ? fileTime(now) : null;
        SandboxFs.setTimes(host, a, m, follow);
        return Errno.SUCCESS;
    }

    private static FileTime fileTime(long nanos) {
        return SandboxFs.fileTime(nanos);
    }

    /**
     * Writes a {@code filestat} of {@code host} (see {@link Abi} for the layout). {@code openSize} >= 0 is the size
     * of an open file, used if the path is gone (unlinked while open).
     */
    private static void putFilestat(GuestMemory m, int ptr, Path host, boolean followLink, long openSize)
            throws IOException {
        m.check(ptr, Abi.FILESTAT_SIZE);
        SandboxFs.Stat st = SandboxFs.stat(host, followLink, openSize);
        m.zero(ptr, Abi.FILESTAT_SIZE);
        m.putI64(ptr, st.dev());
        m.putI64(ptr + 8, st.ino());
        m.putU8(ptr + 16, filetype(st.kind()));
        m.putI64(ptr + 24, st.nlink());
        m.putI64(ptr + 32, st.size());
        m.putI64(ptr + 40, st.atimeNanos());
        m.putI64(ptr + 48, st.mtimeNanos());
        m.putI64(ptr + 56, st.ctimeNanos());
    }

    static int filetype(SandboxFs.Kind kind) {
        return switch (kind) {
            case SYMBOLIC_LINK -> Abi.FILETYPE_SYMBOLIC_LINK;
            case DIRECTORY -> Abi.FILETYPE_DIRECTORY;
            case REGULAR_FILE -> Abi.FILETYPE_REGULAR_FILE;
            case BLOCK_DEVICE -> Abi.FILETYPE_BLOCK_DEVICE;
            case CHARACTER_DEVICE -> Abi.FILETYPE_CHARACTER_DEVICE;
            case SOCKET -> Abi.FILETYPE_SOCKET_STREAM;
            case FIFO, UNKNOWN -> Abi.FILETYPE_UNKNOWN;
        };
    }

    static int fdPrestatGet(Call c) {
        if (!(c.fd(0) instanceof Descriptor.Directory d) || !d.isPreopen()) {
            return Errno.BADF;
        }
        int ptr = c.i(1);
        GuestMemory m = c.mem();
        m.zero(ptr, 8);
        m.putU8(ptr, Abi.PREOPENTYPE_DIR);
        m.putI32(ptr + 4, d.root.guestPath().getBytes(StandardCharsets.UTF_8).length);
        return Errno.SUCCESS;
    }

    static int fdPrestatDirName(Call c) {
        if (!(c.fd(0) instanceof Descriptor.Directory d) || !d.isPreopen()) {
            return Errno.BADF;
        }
        byte[] name = d.root.guestPath().getBytes(StandardCharsets.UTF_8);
        if (Integer.toUnsignedLong(c.i(2)) < name.length) {
            return Errno.NAMETOOLONG;
        }
        c.mem().write(c.i(1), name);
        return Errno.SUCCESS;
    }

    static int fdRead(Call c) throws IOException {
        Descriptor d = c.fd(0);
        int[] iov = c.mem().iovecs(c.i(1), c.i(2));
        if (d instanceof Descriptor.Directory) {
            return Errno.ISDIR;
        }
        d.require(Rights.FD_READ);
        long n = read(c, d, iov, -1);
        c.mem().putI32(c.i(3), (int) n);
        return Errno.SUCCESS;
    }

    static int fdPread(Call c) throws IOException {
        Descriptor d = c.fd(0);
        int[] iov = c.mem().iovecs(c.i(1), c.i(2));
        long offset = c.l(3);
        if (!(d instanceof Descriptor.File)) {
            return d instanceof Descriptor.Directory ? Errno.ISDIR : Errno.SPIPE;
        }
        d.require(Rights.FD_READ | Rights.FD_SEEK);
        if (offset < 0) {
            return Errno.INVAL;
        }
        long n = read(c, d, iov, offset);
        c.mem().putI32(c.i(4), (int) n);
        return Errno.SUCCESS;
    }

    /** Reads into the I/O vectors; {@code offset} -1 means at the current position. Stops at a short read. */
    private static long read(Call c, Descriptor d, int[] iov, long offset) throws IOException {
        long total = 0;
        GuestMemory m = c.mem();
        for (int k = 0; k < iov.length; k += 2) {
            long len = Integer.toUnsignedLong(iov[k + 1]);
            for (long done = 0; done < len; ) {
                int want = (int) Math.min(GuestMemory.CHUNK, len - done);
                byte[] buf = new byte[want];
                int got = switch (d) {
                    case Descriptor.File f -> {
                        ByteBuffer bb = ByteBuffer.wrap(buf);
                        int r = offset < 0 ? f.channel.read(bb) : f.channel.read(bb, offset + total);
                        yield Math.max(r, 0);
                    }
                    case Descriptor.Stream s -> Math.max(s.in.read(buf, 0, want), 0);
                    case Descriptor.Socket s -> socketRead(s, buf, want);
                    default -> throw Errno.fail(Errno.BADF);
                };
                if (got > 0) {
                    m.write(iov[k] + (int) done, buf, 0, got);
                }
                done += got;
                total += got;
                // A short read ends the call: streams and sockets must not block for more than they have.
                if (got < want || !(d instanceof Descriptor.File)) {
                    return total;
                }
            }
        }
        return total;
    }

    private static int socketRead(Descriptor.Socket s, byte[] buf, int want) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, want);
        while (true) {
            int r = s.channel.read(bb);
            if (r != 0) {
                return Math.max(r, 0);
            }
            if ((s.fdflags & Abi.FDFLAGS_NONBLOCK) != 0) {
                throw Errno.fail(Errno.AGAIN);
            }
            s.await(SelectionKey.OP_READ, 100);
        }
    }

    static int fdWrite(Call c) throws IOException {
        Descriptor d = c.fd(0);
        int[] iov = c.mem().iovecs(c.i(1), c.i(2));
        if (d instanceof Descriptor.Directory) {
            return Errno.ISDIR;
        }
        d.require(Rights.FD_WRITE);
        long n = write(c, d, iov, -1);
        c.mem().putI32(c.i(3), (int) n);
        return Errno.SUCCESS;
    }

    static int fdPwrite(Call c) throws IOException {
        Descriptor d = c.fd(0);
        int[] iov = c.mem().iovecs(c.i(1), c.i(2));
        long offset = c.l(3);
        if (!(d instanceof Descriptor.File)) {
            return d instanceof Descriptor.Directory ? Errno.ISDIR : Errno.SPIPE;
        }
        d.require(Rights.FD_WRITE | Rights.FD_SEEK);
        if (offset < 0) {
            return Errno.INVAL;
        }
        long n = write(c, d, iov, offset);
        c.mem().putI32(c.i(4), (int) n);
        return Errno.SUCCESS;
    }

    private static long write(Call c, Descriptor d, int[] iov, long offset) throws IOException {
        long total = 0;
        GuestMemory m = c.mem();
        if (d instanceof Descriptor.File f && offset < 0 && (d.fdflags & Abi.FDFLAGS_APPEND) != 0) {
            f.channel.position(f.channel.size());
        }
        for (int k = 0; k < iov.length; k += 2) {
            long len = Integer.toUnsignedLong(iov[k + 1]);
            for (long done = 0; done < len; ) {
                int n = (int) Math.min(GuestMemory.CHUNK, len - done);
                byte[] bytes = m.read(iov[k] + (int) done, n);
                switch (d) {
                    case Descriptor.File f -> {
                        ByteBuffer bb = ByteBuffer.wrap(bytes);
                        while (bb.hasRemaining()) {
                            if (offset < 0) {
                                f.channel.write(bb);
                            } else {
                                f.channel.write(bb, offset + total + bb.position());
                            }
                        }
                    }
                    case Descriptor.Stream s -> s.out.write(bytes);
                    case Descriptor.Socket s -> {
                        int sent = socketWrite(s, bytes);
                        if (sent < n) {
                            return total + sent;
                        }
                    }
                    default -> throw Errno.fail(Errno.BADF);
                }
                done += n;
                total += n;
            }
        }
        if (d instanceof Descriptor.Stream s) {
            s.out.flush();
        }
        return total;
    }

    /** Sends all of {@code bytes}, or in non-blocking mode what fits now ({@code EAGAIN} if nothing does). */
    private static int socketWrite(Descriptor.Socket s, byte[] bytes) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(bytes);
        while (bb.hasRemaining()) {
            int w = s.channel.write(bb);
            if (w == 0) {
                if ((s.fdflags & Abi.FDFLAGS_NONBLOCK) != 0) {
                    if (bb.position() == 0) {
                        throw Errno.fail(Errno.AGAIN);
                    }
                    break;
                }
                s.await(SelectionKey.OP_WRITE, 100);
            }
        }
        return bb.position();
    }

    static int fdReaddir(Call c) throws IOException {
        Descriptor.Directory d = c.fd(0) instanceof Descriptor.Directory x ? x : null;
        if (d == null) {
            return Errno.NOTDIR;
        }
        d.require(Rights.FD_READDIR);
        int buf = c.i(1);
        long bufLen = Integer.toUnsignedLong(c.i(2));
        long cookie = c.l(3);
        c.mem().check(buf, bufLen);
        if (cookie == 0 || d.listing == null) {
            d.listing = list(d);
        }
        // d_next of entry k is k + 1: the cookie that resumes after it.
        byte[] out = new byte[(int) Math.min(bufLen, GuestMemory.CHUNK)];
        int used = 0;
        for (long k = cookie; k >= 0 && k < d.listing.size() && used < out.length; k++) {
            Descriptor.DirEntry e = d.listing.get((int) k);
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            ByteBuffer entry = ByteBuffer.allocate(Abi.DIRENT_SIZE + name.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            entry.putLong(0, k + 1).putLong(8, e.ino()).putInt(16, name.length).put(20, (byte) e.filetype());
            entry.put(Abi.DIRENT_SIZE, name);
            int n = Math.min(entry.capacity(), out.length - used);
            // The last entry may be cut: a full buffer tells the guest to call again with a larger one or the cookie.
            System.arraycopy(entry.array(), 0, out, used, n);
            used += n;
        }
        c.mem().write(buf, out, 0, used);
        c.mem().putI32(c.i(4), used);
        return Errno.SUCCESS;
    }

    private static List<Descriptor.DirEntry> list(Descriptor.Directory d) throws IOException {
        Path host = d.hostPath();
        List<Descriptor.DirEntry> out = new ArrayList<>();
        out.add(new Descriptor.DirEntry(".", SandboxFs.ino(host), Abi.FILETYPE_DIRECTORY));
        // The root's ".." would describe the host directory above the pre-open: report the root itself instead.
        Path parent = d.components.isEmpty() ? host : host.getParent();
        out.add(new Descriptor.DirEntry("..", SandboxFs.ino(parent), Abi.FILETYPE_DIRECTORY));
        for (SandboxFs.Entry e : SandboxFs.list(d.root, d.components)) {
            out.add(new Descriptor.DirEntry(e.name(), e.ino(), filetype(e.kind())));
        }
        return out;
    }

    static int fdRenumber(Call c) throws IOException {
        Descriptor from = c.fd(0);
        Descriptor to = c.fd(1);
        if (from == to) {
            return Errno.SUCCESS;
        }
        c.ctx.fds.remove(c.i(0));
        c.ctx.fds.put(c.i(1), from);
        to.close();
        return Errno.SUCCESS;
    }

    static int fdSeek(Call c) throws IOException {
        Descriptor d = c.fd(0);
        long offset = c.l(1);
        int whence = c.i(2);
        if (d instanceof Descriptor.Stream || d instanceof Descriptor.Socket || d instanceof Descriptor.Listener) {
            return Errno.SPIPE;
        }
        d.require(offset == 0 && whence == Abi.WHENCE_CUR ? Rights.FD_TELL : Rights.FD_SEEK);
        if (!(d instanceof Descriptor.File f)) {
            return Errno.BADF;
        }
        long base = switch (whence) {
            case Abi.WHENCE_SET -> 0;
            case Abi.WHENCE_CUR -> f.channel.position();
            case Abi.WHENCE_END -> f.channel.size();
            default -> throw Errno.fail(Errno.INVAL);
        };
        long pos = base + offset;
        if (pos < 0 || (offset > 0 && pos < base)) {
            return Errno.INVAL;
        }
        f.channel.position(pos);
        c.mem().putI64(c.i(3), pos);
        return Errno.SUCCESS;
    }

    static int fdTell(Call c) throws IOException {
        Descriptor d = c.fd(0);
        if (d instanceof Descriptor.Stream || d instanceof Descriptor.Socket || d instanceof Descriptor.Listener) {
            return Errno.SPIPE;
        }
        d.require(Rights.FD_TELL);
        if (!(d instanceof Descriptor.File f)) {
            return Errno.BADF;
        }
        c.mem().putI64(c.i(1), f.channel.position());
        return Errno.SUCCESS;
    }

    // ---------------------------------------------------------------- path_*

    static int pathCreateDirectory(Call c) throws IOException {
        Descriptor.Directory d = c.dir(0);
        d.require(Rights.PATH_CREATE_DIRECTORY);
        SandboxFs.createDirectory(Sandbox.resolve(d.root, d.components, c.string(1, 2), false));
        return Errno.SUCCESS;
    }

    static int pathFilestatGet(Call c) throws IOException {
        Descriptor.Directory d = c.dir(0);
        d.require(Rights.PATH_FILESTAT_GET);
        boolean follow = (c.i(1) & Abi.LOOKUP_SYMLINK_FOLLOW) != 0;
        Sandbox.Resolved r = Sandbox.resolve(d.root, d.components, c.string(2, 3), follow);
        putFilestat(c.mem(), c.i(4), r.host(), false, -1);
        return Errno.SUCCESS;
    }

    static int pathFilestatSetTimes(Call c) throws IOException {
        Descriptor.Directory d = c.dir(0);
        d.require(Rights.PATH_FILESTAT_SET_TIMES);
        boolean follow = (c.i(1) & Abi.LOOKUP_SYMLINK_FOLLOW) != 0;
        Sandbox.Resolved r = Sandbox.resolve(d.root, d.components, c.string(2, 3), follow);
        if (Sandbox.attributes(r.host()) == null) {
            return Errno.NOENT;
        }
        return setTimes(c.ctx, r.host(), c.l(4), c.l(5), c.i(6), false);
    }

    static int pathLink(Call c) throws IOException {
        Descriptor.Directory from = c.dir(0);
        boolean follow = (c.i(1) & Abi.LOOKUP_SYMLINK_FOLLOW) != 0;
        String oldPath = c.string(2, 3);
        Descriptor.Directory to = c.dir(4);
        String newPath = c.string(5, 6);
        from.require(Rights.PATH_LINK_SOURCE);
        to.require(Rights.PATH_LINK_TARGET);
        Sandbox.Resolved source = Sandbox.resolve(from.root, from.components, oldPath, follow);
        Sandbox.Resolved target = Sandbox.resolve(to.root, to.components, newPath, false);
        SandboxFs.link(source, target);
        return Errno.SUCCESS;
    }

    static int pathOpen(Call c) throws IOException {
        Descriptor.Directory d = c.dir(0);
        boolean follow = (c.i(1) & Abi.LOOKUP_SYMLINK_FOLLOW) != 0;
        String path = c.string(2, 3);
        int oflags = c.i(4);
        long base = c.l(5);
        long inheriting = c.l(6);
        int fdflags = c.i(7);
        int resultPtr = c.i(8);
        c.mem().check(resultPtr, 4);
        if ((oflags & ~0xF) != 0 || (fdflags & ~0x1F) != 0) {
            return Errno.INVAL;
        }
        d.require(Rights.PATH_OPEN);
        boolean create = (oflags & Abi.OFLAGS_CREAT) != 0;
        boolean exclusive = (oflags & Abi.OFLAGS_EXCL) != 0;
        boolean truncate = (oflags & Abi.OFLAGS_TRUNC) != 0;
        boolean directory = (oflags & Abi.OFLAGS_DIRECTORY) != 0;
        if (create) {
            d.require(Rights.PATH_CREATE_FILE);
        }
        if (truncate) {
            d.require(Rights.PATH_FILESTAT_SET_SIZE);
        }
        // A descriptor opened through d gets at most what d may pass on.
        if ((base & ~d.rightsInheriting) != 0 || (inheriting & ~d.rightsInheriting) != 0) {
            return Errno.NOTCAPABLE;
        }
        Sandbox.Resolved r = Sandbox.resolve(d.root, d.components, path, follow);
        boolean write = (base & (Rights.FD_WRITE | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_SET_SIZE)) != 0;
        SandboxFs.Opened opened = SandboxFs.open(r, new SandboxFs.OpenRequest(create, exclusive, truncate, directory,
                (base & Rights.FD_READ) != 0, write, (fdflags & Abi.FDFLAGS_APPEND) != 0,
                (fdflags & (Abi.FDFLAGS_SYNC | Abi.FDFLAGS_RSYNC)) != 0, (fdflags & Abi.FDFLAGS_DSYNC) != 0));
        Descriptor nd = switch (opened) {
            case SandboxFs.Opened.Directory dir -> new Descriptor.Directory(dir.place().root(),
                    dir.place().components(), base & Rights.DIRECTORY, inheriting);
            case SandboxFs.Opened.File f -> new Descriptor.File(f.channel(), f.hostPath(), base & Rights.REGULAR_FILE,
                    inheriting);
        };
        nd.fdflags = fdflags;
        c.mem().putI32(resultPtr, c.ctx.allocate(nd));
        return Errno.SUCCESS;
    }

    static int pathReadlink(Call c) throws IOException {
        Descriptor.Directory d = c.dir(0);
        d.require(Rights.PATH_READLINK);
        Sandbox.Resolved r = Sandbox.resolve(d.root, d.components, c.string(1, 2), false);
        byte[] target = SandboxFs.readlink(r).getBytes(StandardCharsets.UTF_8);
        int len = (int) Math.min(target.length, Integer.toUnsignedLong(c.i(4)));
        c.mem().write(c.i(3), target, 0, len);
        c.mem().putI32(c.i(5), len);
        return Errno.SUCCESS;
    }

    static int pathRemoveDirectory(Call c) throws IOException {
        Descriptor.Directory d = c.dir(0);
        d.require(Rights.PATH_REMOVE_DIRECTORY);
        SandboxFs.removeDirectory(Sandbox.resolve(d.root, d.components, c.string(1, 2), false));
        return Errno.SUCCESS;
    }

    static int pathRename(Call c) throws IOException {
        Descriptor.Directory from = c.dir(0);
        String oldPath = c.string(1, 2);
        Descriptor.Directory to = c.dir(3);
        String newPath = c.string(4, 5);
        from.require(Rights.PATH_RENAME_SOURCE);
        to.require(Rights.PATH_RENAME_TARGET);
        Sandbox.Resolved source = Sandbox.resolve(from.root, from.components, oldPath, false);
        Sandbox.Resolved target = Sandbox.resolve(to.root, to.components, newPath, false);
        SandboxFs.rename(source, target);
        return Errno.SUCCESS;
    }

    static int pathSymlink(Call c) throws IOException {
        String target = c.string(0, 1);
        Descriptor.Directory d = c.dir(2);
        String path = c.string(3, 4);
        d.require(Rights.PATH_SYMLINK);
        SandboxFs.checkSymlinkTarget(target);
        SandboxFs.symlink(target, Sandbox.resolve(d.root, d.components, path, false));
        return Errno.SUCCESS;
    }

    static int pathUnlinkFile(Call c) throws IOException {
        Descriptor.Directory d = c.dir(0);
        d.require(Rights.PATH_UNLINK_FILE);
        SandboxFs.unlinkFile(Sandbox.resolve(d.root, d.components, c.string(1, 2), false));
        return Errno.SUCCESS;
    }

    // ---------------------------------------------------------------- poll_oneoff

    private record Subscription(long userdata, int type, int fd, long deadline, int clockError) {
    }

    private record Event(long userdata, int error, int type, long nbytes, int flags) {
    }

    /**
     * Waits until at least one subscription is ready and reports every ready one. Clock subscriptions become
     * deadlines on the monotonic clock (an absolute realtime timeout is converted at entry). Regular files are
     * always ready; stdin is always readable (see below); stdout and stderr are always writable; sockets ask their
     * selector.
     */
    static int pollOneoff(Call c) throws IOException {
        int in = c.i(0);
        int out = c.i(1);
        long n = Integer.toUnsignedLong(c.i(2));
        int neventsPtr = c.i(3);
        GuestMemory m = c.mem();
        if (n == 0) {
            return Errno.INVAL;
        }
        m.check(in, n * Abi.SUBSCRIPTION_SIZE);
        m.check(out, n * Abi.EVENT_SIZE);
        m.check(neventsPtr, 4);
        WasiClock clock = c.ctx.clock;
        long start = clock.monotonicNanos();
        List<Subscription> subs = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int p = in + k * Abi.SUBSCRIPTION_SIZE;
            long userdata = m.i64(p);
            int tag = m.u8(p + 8);
            switch (tag) {
                case Abi.EVENTTYPE_CLOCK -> {
                    int id = m.i32(p + 16);
                    long timeout = m.i64(p + 24);
                    int flags = m.u16(p + 40);
                    long deadline;
                    int error = Errno.SUCCESS;
                    if (id < 0 || id > Abi.CLOCK_THREAD_CPUTIME) {
                        error = Errno.INVAL;
                        deadline = start;
                    } else if ((flags & Abi.SUBCLOCKFLAGS_ABSTIME) != 0) {
                        // Both are u64: a deadline already passed fires now, one beyond 2^62 ns never fires.
                        long current = now(c.ctx, id);
                        long remaining = Long.compareUnsigned(timeout, current) <= 0 ? 0 : timeout - current;
                        deadline = Long.compareUnsigned(remaining, Long.MAX_VALUE / 2) > 0
                                ? Long.MAX_VALUE : start + remaining;
                    } else {
                        deadline = Long.compareUnsigned(timeout, Long.MAX_VALUE / 2) > 0
                                ? Long.MAX_VALUE : start + timeout;
                    }
                    subs.add(new Subscription(userdata, tag, -1, deadline, error));
                }
                case Abi.EVENTTYPE_FD_READ, Abi.EVENTTYPE_FD_WRITE ->
                        subs.add(new Subscription(userdata, tag, m.i32(p + 16), 0, 0));
                default -> {
                    return Errno.INVAL;
                }
            }
        }
        while (true) {
            List<Event> events = new ArrayList<>();
            long now = clock.monotonicNanos();
            long earliest = Long.MAX_VALUE;
            boolean waitingOnFd = false;
            for (Subscription s : subs) {
                if (s.type() == Abi.EVENTTYPE_CLOCK) {
                    if (s.clockError() != 0 || now - s.deadline() >= 0) {
                        events.add(new Event(s.userdata(), s.clockError(), s.type(), 0, 0));
                    } else {
                        earliest = Math.min(earliest, s.deadline());
                    }
                    continue;
                }
                Event e = fdReadiness(c.ctx, s);
                if (e != null) {
                    events.add(e);
                } else {
                    waitingOnFd = true;
                }
            }
            if (!events.isEmpty()) {
                for (int k = 0; k < events.size(); k++) {
                    Event e = events.get(k);
                    int p = out + k * Abi.EVENT_SIZE;
                    m.zero(p, Abi.EVENT_SIZE);
                    m.putI64(p, e.userdata());
                    m.putU16(p + 8, e.error());
                    m.putU8(p + 10, e.type());
                    if (e.type() != Abi.EVENTTYPE_CLOCK) {
                        m.putI64(p + 16, e.nbytes());
                        m.putU16(p + 24, e.flags());
                    }
                }
                m.putI32(neventsPtr, events.size());
                return Errno.SUCCESS;
            }
            long wait = earliest == Long.MAX_VALUE ? Long.MAX_VALUE : earliest - now;
            if (waitingOnFd) {
                // Nothing to block on for all kinds at once: look again every few milliseconds.
                wait = Math.min(wait, 5_000_000L);
            }
            // a blocking section: the store's interrupt or deadline ends the sleep; the guest gets INTR and traps
            // at its next checkpoint, where the store's pending interrupt fires
            try (dev.basalt.Store.BlockingCall call = c.caller.store().enterBlockingCall()) {
                try {
                    if (waitingOnFd) {
                        Thread.sleep(Math.max(1, wait / 1_000_000L));
                    } else {
                        clock.sleep(wait);
                    }
                } catch (InterruptedException e) {
                    // kept for the embedder's interrupt; closing the section clears the store's own
                    Thread.currentThread().interrupt();
                    return Errno.INTR;
                }
            }
        }
    }

    /** The event for an fd subscription if it is ready now, else null. */
    private static Event fdReadiness(WasiContext ctx, Subscription s) throws IOException {
        synchronized (ctx) {        // poll_oneoff is not serialised as a whole (it sleeps): lock the descriptor table here
            return fdReadinessLocked(ctx, s);
        }
    }

    private static Event fdReadinessLocked(WasiContext ctx, Subscription s) throws IOException {
        Descriptor d = ctx.fds.get(s.fd());
        boolean read = s.type() == Abi.EVENTTYPE_FD_READ;
        if (d == null) {
            return new Event(s.userdata(), Errno.BADF, s.type(), 0, 0);
        }
        if ((d.rightsBase & Rights.POLL_FD_READWRITE) == 0 && !(d instanceof Descriptor.File)) {
            return new Event(s.userdata(), Errno.NOTCAPABLE, s.type(), 0, 0);
        }
        switch (d) {
            case Descriptor.File f -> {
                long left = read ? Math.max(0, f.channel.size() - f.channel.position()) : 0;
                return new Event(s.userdata(), 0, s.type(), left, 0);
            }
            case Descriptor.Stream st -> {
                if (!read) {
                    return st.out != null ? new Event(s.userdata(), 0, s.type(), 0, 0)
                            : new Event(s.userdata(), Errno.BADF, s.type(), 0, 0);
                }
                if (st.in == null) {
                    return new Event(s.userdata(), Errno.BADF, s.type(), 0, 0);
                }
                // Java cannot tell "no data yet" from "end of input" on the process's stdin without reading, so
                // stdin is reported readable, like a pipe at EOF; in-memory stdin never blocks anyway.
                return new Event(s.userdata(), 0, s.type(), st.in.available(), 0);
            }
            case Descriptor.Listener l -> {
                return read && l.await(0) ? new Event(s.userdata(), 0, s.type(), 1, 0)
                        : read ? null : new Event(s.userdata(), Errno.NOTSUP, s.type(), 0, 0);
            }
            case Descriptor.Socket so -> {
                if (read) {
                    if (!so.await(SelectionKey.OP_READ, 0)) {
                        return null;
                    }
                    return new Event(s.userdata(), 0, s.type(), 0, 0);
                }
                return so.await(SelectionKey.OP_WRITE, 0) ? new Event(s.userdata(), 0, s.type(), 0, 0) : null;
            }
            case Descriptor.Directory dir -> {
                return new Event(s.userdata(), Errno.BADF, s.type(), 0, 0);
            }
        }
    }

    // ---------------------------------------------------------------- sockets

    static int sockAccept(Call c) throws IOException {
        Descriptor d = c.fd(0);
        int flags = c.i(1);
        if (!(d instanceof Descriptor.Listener l)) {
            return Errno.NOTSOCK;
        }
        d.require(Rights.SOCK_ACCEPT);
        if ((flags & ~Abi.FDFLAGS_NONBLOCK) != 0) {
            return Errno.INVAL;
        }
        c.mem().check(c.i(2), 4);
        SocketChannel ch;
        while ((ch = l.channel.accept()) == null) {
            if ((l.fdflags & Abi.FDFLAGS_NONBLOCK) != 0) {
                return Errno.AGAIN;
            }
            // as in poll_oneoff: the store's interrupt or deadline ends the wait (INTR, then the pending trap)
            try (dev.basalt.Store.BlockingCall call = c.caller.store().enterBlockingCall()) {
                l.await(100);
                if (Thread.currentThread().isInterrupted()) {
                    return Errno.INTR;
                }
            }
        }
        Descriptor.Socket s = new Descriptor.Socket(ch);
        s.fdflags = flags;
        c.mem().putI32(c.i(2), c.ctx.allocate(s));
        return Errno.SUCCESS;
    }

    static int sockRecv(Call c) throws IOException {
        Descriptor d = c.fd(0);
        int[] iov = c.mem().iovecs(c.i(1), c.i(2));
        int flags = c.i(3);
        if (!(d instanceof Descriptor.Socket s)) {
            return Errno.NOTSOCK;
        }
        d.require(Rights.FD_READ);
        if ((flags & ~(Abi.RIFLAGS_RECV_PEEK | Abi.RIFLAGS_RECV_WAITALL)) != 0) {
            return Errno.INVAL;
        }
        if ((flags & Abi.RIFLAGS_RECV_PEEK) != 0) {
            // Java's socket channels cannot peek; wasmtime does not support it either.
            return Errno.NOTSUP;
        }
        long total = 0;
        boolean waitAll = (flags & Abi.RIFLAGS_RECV_WAITALL) != 0;
        long wanted = 0;
        for (int k = 1; k < iov.length; k += 2) {
            wanted += Integer.toUnsignedLong(iov[k]);
        }
        do {
            long got = read(c, d, skip(iov, total), -1);
            total += got;
            if (got == 0) {
                break;
            }
        } while (waitAll && total < wanted);
        c.mem().putI32(c.i(4), (int) total);
        c.mem().putU16(c.i(5), 0);
        return Errno.SUCCESS;
    }

    /** The I/O vectors with the first {@code n} bytes consumed. */
    private static int[] skip(int[] iov, long n) {
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < iov.length; k += 2) {
            long len = Integer.toUnsignedLong(iov[k + 1]);
            if (n >= len) {
                n -= len;
                continue;
            }
            out.add(iov[k] + (int) n);
            out.add((int) (len - n));
            n = 0;
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    static int sockSend(Call c) throws IOException {
        Descriptor d = c.fd(0);
        int[] iov = c.mem().iovecs(c.i(1), c.i(2));
        if (!(d instanceof Descriptor.Socket)) {
            return Errno.NOTSOCK;
        }
        d.require(Rights.FD_WRITE);
        if (c.i(3) != 0) {
            return Errno.INVAL;
        }
        long n = write(c, d, iov, -1);
        c.mem().putI32(c.i(4), (int) n);
        return Errno.SUCCESS;
    }

    static int sockShutdown(Call c) throws IOException {
        Descriptor d = c.fd(0);
        int how = c.i(1);
        if (!(d instanceof Descriptor.Socket s)) {
            return Errno.NOTSOCK;
        }
        d.require(Rights.SOCK_SHUTDOWN);
        if (how < 1 || how > 3) {
            return Errno.INVAL;
        }
        if (!s.channel.isConnected()) {
            return Errno.NOTCONN;
        }
        if ((how & Abi.SDFLAGS_RD) != 0) {
            s.channel.shutdownInput();
        }
        if ((how & Abi.SDFLAGS_WR) != 0) {
            s.channel.shutdownOutput();
        }
        return Errno.SUCCESS;
    }
}
