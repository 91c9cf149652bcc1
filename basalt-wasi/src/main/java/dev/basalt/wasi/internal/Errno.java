package dev.basalt.wasi.internal;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;

/**
 * WASI preview1 {@code errno} values (witx {@code $errno}, u16) and the mapping from Java's I/O exceptions.
 * Only the values this implementation returns are named. Shared by preview1 and preview2 (which maps these
 * values to its {@code error-code} names), so both report the same failure for the same host condition.
 */
public final class Errno {
    private Errno() {
    }

    public static final int SUCCESS = 0;
    public static final int TOOBIG = 1;
    public static final int ACCES = 2;
    public static final int ADDRINUSE = 3;
    public static final int AGAIN = 6;
    public static final int BADF = 8;
    public static final int BUSY = 10;
    public static final int CONNRESET = 15;
    public static final int EXIST = 20;
    public static final int FAULT = 21;
    public static final int FBIG = 22;
    public static final int ILSEQ = 25;
    public static final int INTR = 27;
    public static final int INVAL = 28;
    public static final int IO = 29;
    public static final int ISDIR = 31;
    public static final int LOOP = 32;
    public static final int MLINK = 34;
    public static final int NAMETOOLONG = 37;
    public static final int NOENT = 44;
    public static final int NOMEM = 48;
    public static final int NOSPC = 51;
    public static final int NOSYS = 52;
    public static final int NOTCONN = 53;
    public static final int NOTDIR = 54;
    public static final int NOTEMPTY = 55;
    public static final int NOTSOCK = 57;
    public static final int NOTSUP = 58;
    public static final int OVERFLOW = 61;
    public static final int PERM = 63;
    public static final int PIPE = 64;
    public static final int ROFS = 69;
    public static final int SPIPE = 70;
    public static final int XDEV = 75;
    public static final int NOTCAPABLE = 76;

    /** A WASI error raised inside a host function; turned into the function's errno result. */
    public static final class Failure extends RuntimeException {
        public final int errno;

        public Failure(int errno) {
            super(null, null, false, false);
            this.errno = errno;
        }
    }

    public static Failure fail(int errno) {
        return new Failure(errno);
    }

    /** The errno for an I/O failure of the host. */
    public static int of(IOException e) {
        if (e instanceof NoSuchFileException) {
            return NOENT;
        }
        if (e instanceof FileAlreadyExistsException) {
            return EXIST;
        }
        if (e instanceof DirectoryNotEmptyException) {
            return NOTEMPTY;
        }
        if (e instanceof AccessDeniedException) {
            return ACCES;
        }
        if (e instanceof NotDirectoryException) {
            return NOTDIR;
        }
        if (e instanceof NotLinkException) {
            return INVAL;
        }
        if (e instanceof FileSystemLoopException) {
            return LOOP;
        }
        if (e instanceof ClosedChannelException) {
            return BADF;
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            // The JDK reports other errnos of Linux/glibc as strerror() text.
            return switch (f.getReason()) {
                case "Is a directory" -> ISDIR;
                case "Not a directory" -> NOTDIR;
                case "Directory not empty" -> NOTEMPTY;
                case "File exists" -> EXIST;
                case "Invalid argument" -> INVAL;
                case "Too many levels of symbolic links" -> LOOP;
                case "Operation not permitted" -> PERM;
                case "Permission denied" -> ACCES;
                case "Read-only file system" -> ROFS;
                case "Invalid cross-device link" -> XDEV;
                case "No space left on device" -> NOSPC;
                case "File name too long" -> NAMETOOLONG;
                case "Device or resource busy" -> BUSY;
                case "Too many links" -> MLINK;
                case "File too large" -> FBIG;
                case "No such file or directory" -> NOENT;
                default -> IO;
            };
        }
        String m = String.valueOf(e.getMessage());
        if (m.contains("Broken pipe")) {
            return PIPE;
        }
        if (m.contains("Connection reset")) {
            return CONNRESET;
        }
        return IO;
    }

    public static int of(RuntimeException e) {
        if (e instanceof NotYetConnectedException) {
            return NOTCONN;
        }
        return IO;
    }
}
