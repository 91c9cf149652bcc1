package dev.basalt.wasi;

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
 * Only the values this implementation returns are named.
 */
final class Errno {
    private Errno() {
    }

    static final int SUCCESS = 0;
    static final int TOOBIG = 1;
    static final int ACCES = 2;
    static final int ADDRINUSE = 3;
    static final int AGAIN = 6;
    static final int BADF = 8;
    static final int BUSY = 10;
    static final int CONNRESET = 15;
    static final int EXIST = 20;
    static final int FAULT = 21;
    static final int FBIG = 22;
    static final int ILSEQ = 25;
    static final int INTR = 27;
    static final int INVAL = 28;
    static final int IO = 29;
    static final int ISDIR = 31;
    static final int LOOP = 32;
    static final int MLINK = 34;
    static final int NAMETOOLONG = 37;
    static final int NOENT = 44;
    static final int NOMEM = 48;
    static final int NOSPC = 51;
    static final int NOSYS = 52;
    static final int NOTCONN = 53;
    static final int NOTDIR = 54;
    static final int NOTEMPTY = 55;
    static final int NOTSOCK = 57;
    static final int NOTSUP = 58;
    static final int OVERFLOW = 61;
    static final int PERM = 63;
    static final int PIPE = 64;
    static final int ROFS = 69;
    static final int SPIPE = 70;
    static final int XDEV = 75;
    static final int NOTCAPABLE = 76;

    /** A WASI error raised inside a host function; turned into the function's errno result. */
    static final class Failure extends RuntimeException {
        final int errno;

        Failure(int errno) {
            super(null, null, false, false);
            this.errno = errno;
        }
    }

    static Failure fail(int errno) {
        return new Failure(errno);
    }

    /** The errno for an I/O failure of the host. */
    static int of(IOException e) {
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

    static int of(RuntimeException e) {
        if (e instanceof NotYetConnectedException) {
            return NOTCONN;
        }
        return IO;
    }
}
