package dev.basalt.wasi;

/**
 * Constants and struct layouts of {@code wasi_snapshot_preview1} (witx {@code typenames.witx}). All integers are
 * little-endian; pointers and sizes are u32. Offsets below are byte offsets; gaps are padding, written as zero.
 *
 * <pre>
 *  fdstat (24 bytes, align 8)
 *  +-------------+---+-----------+-------+------------------------+------------------------+
 *  | filetype u8 |pad| flags u16 |  pad  | rights_base u64        | rights_inheriting u64  |
 *  +-------------+---+-----------+-------+------------------------+------------------------+
 *  0             1   2           4       8                        16                       24
 *
 *  filestat (64 bytes, align 8)
 *  +---------+---------+-------------+-----+----------+----------+----------+----------+----------+
 *  | dev u64 | ino u64 | filetype u8 | pad | nlink u64| size u64 | atim u64 | mtim u64 | ctim u64 |
 *  +---------+---------+-------------+-----+----------+----------+----------+----------+----------+
 *  0         8         16            17    24         32         40         48         56         64
 *
 *  dirent (24 bytes, align 8), followed directly by d_namlen bytes of name (no NUL)
 *  +-------------+-----------+--------------+-------------+-----+
 *  | d_next u64  | d_ino u64 | d_namlen u32 | d_type u8   | pad |
 *  +-------------+-----------+--------------+-------------+-----+
 *  0             8           16             20            21    24
 *
 *  prestat (8 bytes, align 4): a union with one variant, dir
 *  +--------+-----+------------------+
 *  | tag u8 | pad | pr_name_len u32  |      tag 0 = preopentype::dir
 *  +--------+-----+------------------+
 *  0        1     4                  8
 *
 *  subscription (48 bytes, align 8)
 *  +---------------+--------+-----+---------------------------------------------------------+
 *  | userdata u64  | tag u8 | pad | union (32 bytes) at 16                                  |
 *  +---------------+--------+-----+---------------------------------------------------------+
 *  0               8        9     16                                                        48
 *    tag 0 clock:        id u32 @16 | pad | timeout u64 @24 | precision u64 @32 | flags u16 @40
 *    tag 1/2 fd_read/
 *        fd_write:       file_descriptor u32 @16
 *
 *  event (32 bytes, align 8)
 *  +---------------+-----------+---------+-----+------------+----------+-----+
 *  | userdata u64  | error u16 | type u8 | pad | nbytes u64 | flags u16| pad |
 *  +---------------+-----------+---------+-----+------------+----------+-----+
 *  0               8           10        11    16           24         26    32
 *                                             (fd_readwrite: only for fd_read/fd_write events)
 * </pre>
 * The iovec layout is drawn at {@link GuestMemory#iovecs}.
 */
final class Abi {
    private Abi() {
    }

    static final int FILETYPE_UNKNOWN = 0;
    static final int FILETYPE_BLOCK_DEVICE = 1;
    static final int FILETYPE_CHARACTER_DEVICE = 2;
    static final int FILETYPE_DIRECTORY = 3;
    static final int FILETYPE_REGULAR_FILE = 4;
    static final int FILETYPE_SOCKET_DGRAM = 5;
    static final int FILETYPE_SOCKET_STREAM = 6;
    static final int FILETYPE_SYMBOLIC_LINK = 7;

    static final int FDSTAT_SIZE = 24;
    static final int FILESTAT_SIZE = 64;
    static final int DIRENT_SIZE = 24;
    static final int SUBSCRIPTION_SIZE = 48;
    static final int EVENT_SIZE = 32;

    // fdflags (u16)
    static final int FDFLAGS_APPEND = 1;
    static final int FDFLAGS_DSYNC = 2;
    static final int FDFLAGS_NONBLOCK = 4;
    static final int FDFLAGS_RSYNC = 8;
    static final int FDFLAGS_SYNC = 16;

    // oflags (u16)
    static final int OFLAGS_CREAT = 1;
    static final int OFLAGS_DIRECTORY = 2;
    static final int OFLAGS_EXCL = 4;
    static final int OFLAGS_TRUNC = 8;

    // lookupflags (u32)
    static final int LOOKUP_SYMLINK_FOLLOW = 1;

    // fstflags (u16)
    static final int FSTFLAGS_ATIM = 1;
    static final int FSTFLAGS_ATIM_NOW = 2;
    static final int FSTFLAGS_MTIM = 4;
    static final int FSTFLAGS_MTIM_NOW = 8;

    // whence (u8)
    static final int WHENCE_SET = 0;
    static final int WHENCE_CUR = 1;
    static final int WHENCE_END = 2;

    // clockid (u32)
    static final int CLOCK_REALTIME = 0;
    static final int CLOCK_MONOTONIC = 1;
    static final int CLOCK_PROCESS_CPUTIME = 2;
    static final int CLOCK_THREAD_CPUTIME = 3;

    // eventtype (u8)
    static final int EVENTTYPE_CLOCK = 0;
    static final int EVENTTYPE_FD_READ = 1;
    static final int EVENTTYPE_FD_WRITE = 2;

    static final int SUBCLOCKFLAGS_ABSTIME = 1;
    static final int EVENTRWFLAGS_HANGUP = 1;

    // riflags, roflags, siflags, sdflags
    static final int RIFLAGS_RECV_PEEK = 1;
    static final int RIFLAGS_RECV_WAITALL = 2;
    static final int SDFLAGS_RD = 1;
    static final int SDFLAGS_WR = 2;

    static final int PREOPENTYPE_DIR = 0;
    static final int ADVICE_MAX = 5;
    static final int SIGNAL_MAX = 30;
}
