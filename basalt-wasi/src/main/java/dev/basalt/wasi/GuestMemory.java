package dev.basalt.wasi;

import dev.basalt.wasi.internal.Errno;
import dev.basalt.Memory;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The calling instance's exported {@code memory} as WASI sees it: 32-bit guest pointers (unsigned), little-endian
 * fields, and every access checked against the current size first so that a bad pointer becomes {@code EFAULT}
 * (as in wasmtime) instead of a trap.
 */
final class GuestMemory {
    /** The largest buffer copied in one step between guest memory and the host (reads and writes go in chunks). */
    static final int CHUNK = 1 << 20;
    /** Most I/O vectors one call may pass (Linux's {@code IOV_MAX}). */
    static final int IOV_MAX = 1024;

    private final Memory memory;

    GuestMemory(Memory memory) {
        this.memory = memory;
    }

    /** Checks that {@code [ptr, ptr+len)} lies inside memory; both are u32 values held in ints. */
    long check(int ptr, long len) {
        long p = Integer.toUnsignedLong(ptr);
        if (len < 0 || p + len > memory.byteSize()) {
            throw Errno.fail(Errno.FAULT);
        }
        return p;
    }

    int i32(int ptr) {
        return memory.readInt(check(ptr, 4));
    }

    long i64(int ptr) {
        return memory.readLong(check(ptr, 8));
    }

    int u8(int ptr) {
        return memory.read(check(ptr, 1), 1)[0] & 0xFF;
    }

    int u16(int ptr) {
        byte[] b = memory.read(check(ptr, 2), 2);
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8;
    }

    void putI32(int ptr, int value) {
        memory.writeInt(check(ptr, 4), value);
    }

    void putI64(int ptr, long value) {
        memory.writeLong(check(ptr, 8), value);
    }

    void putU8(int ptr, int value) {
        memory.write(check(ptr, 1), new byte[] {(byte) value});
    }

    void putU16(int ptr, int value) {
        memory.write(check(ptr, 2), new byte[] {(byte) value, (byte) (value >>> 8)});
    }

    byte[] read(int ptr, int len) {
        return memory.read(check(ptr, Integer.toUnsignedLong(len)), len);
    }

    void write(int ptr, byte[] bytes, int off, int len) {
        long p = check(ptr, len);
        if (off == 0 && len == bytes.length) {
            memory.write(p, bytes);
        } else {
            byte[] part = new byte[len];
            System.arraycopy(bytes, off, part, 0, len);
            memory.write(p, part);
        }
    }

    void write(int ptr, byte[] bytes) {
        write(ptr, bytes, 0, bytes.length);
    }

    /** A zero-filled region (struct padding must not leak old guest data). */
    void zero(int ptr, int len) {
        memory.write(check(ptr, len), new byte[len]);
    }

    /** A UTF-8 string argument; {@code EILSEQ} if it is not valid UTF-8. */
    String string(int ptr, int len) {
        long n = Integer.toUnsignedLong(len);
        check(ptr, n);
        if (n > CHUNK * 4L) {
            throw Errno.fail(Errno.NAMETOOLONG);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(read(ptr, len)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw Errno.fail(Errno.ILSEQ);
        }
    }

    /**
     * The list of I/O vectors at {@code iovs}:
     * <pre>
     *  iovec / ciovec (8 bytes, align 4)
     *  +----------------+----------------+
     *  | buf: u32 ptr   | buf_len: u32   |
     *  +----------------+----------------+
     *  0                4                8
     * </pre>
     * Returns pairs (ptr, len) flattened. More than {@link #IOV_MAX} vectors is {@code EINVAL}, as in POSIX.
     */
    int[] iovecs(int iovs, int count) {
        long n = Integer.toUnsignedLong(count);
        if (n > IOV_MAX) {
            throw Errno.fail(Errno.INVAL);
        }
        check(iovs, n * 8);
        int[] out = new int[(int) n * 2];
        for (int i = 0; i < n; i++) {
            out[2 * i] = i32(iovs + 8 * i);
            out[2 * i + 1] = i32(iovs + 8 * i + 4);
            check(out[2 * i], Integer.toUnsignedLong(out[2 * i + 1]));
        }
        return out;
    }
}
