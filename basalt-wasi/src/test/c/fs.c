/* Files and directories through the raw preview1 API, in the pre-open "/work" (read-write, empty at start). */
#include "check.h"
#include <stdlib.h>

static int dir;

static void files(void) {
    __wasi_fd_t fd, fd2;
    __wasi_size_t n;
    __wasi_filesize_t pos;
    char buf[64];

    OK(open_at(dir, "a.txt", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, ALL_FILE_RIGHTS, 0, &fd));
    ERRNO(open_at(dir, "a.txt", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, ALL_FILE_RIGHTS, 0, &fd2), __WASI_ERRNO_EXIST);
    OK(write_str(fd, "hello world", &n));
    CHECK(n == 11);
    OK(__wasi_fd_tell(fd, &pos));
    CHECK(pos == 11);
    OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
    CHECK(pos == 0);
    memset(buf, 0, sizeof buf);
    OK(read_buf(fd, buf, 5, &n));
    CHECK(n == 5 && memcmp(buf, "hello", 5) == 0);
    OK(__wasi_fd_seek(fd, -5, __WASI_WHENCE_END, &pos));
    CHECK(pos == 6);
    OK(__wasi_fd_seek(fd, 2, __WASI_WHENCE_CUR, &pos));
    CHECK(pos == 8);
    ERRNO(__wasi_fd_seek(fd, -100, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_INVAL);
    ERRNO(__wasi_fd_seek(fd, 0, 7, &pos), __WASI_ERRNO_INVAL);
    /* scattered read over two iovecs */
    char a[3], b[20];
    __wasi_iovec_t iovs[2] = {{(uint8_t *) a, 3}, {(uint8_t *) b, 20}};
    OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
    OK(__wasi_fd_read(fd, iovs, 2, &n));
    CHECK(n == 11 && memcmp(a, "hel", 3) == 0 && memcmp(b, "lo world", 8) == 0);
    OK(read_buf(fd, buf, 10, &n));
    CHECK(n == 0); /* end of file */
    /* pread / pwrite leave the position alone */
    OK(__wasi_fd_seek(fd, 1, __WASI_WHENCE_SET, &pos));
    __wasi_ciovec_t w = {(const uint8_t *) "WORLD", 5};
    OK(__wasi_fd_pwrite(fd, &w, 1, 6, &n));
    CHECK(n == 5);
    __wasi_iovec_t r = {(uint8_t *) buf, 11};
    OK(__wasi_fd_pread(fd, &r, 1, 0, &n));
    CHECK(n == 11 && memcmp(buf, "hello WORLD", 11) == 0);
    OK(__wasi_fd_pread(fd, &r, 1, 100, &n));
    CHECK(n == 0);
    OK(__wasi_fd_tell(fd, &pos));
    CHECK(pos == 1);
    /* sizes */
    __wasi_filestat_t st;
    OK(__wasi_fd_filestat_get(fd, &st));
    CHECK(st.size == 11 && st.filetype == __WASI_FILETYPE_REGULAR_FILE && st.nlink == 1);
    OK(__wasi_fd_filestat_set_size(fd, 5));
    OK(__wasi_fd_filestat_get(fd, &st));
    CHECK(st.size == 5);
    OK(__wasi_fd_filestat_set_size(fd, 8));
    OK(__wasi_fd_pread(fd, &r, 1, 0, &n));
    CHECK(n == 8 && memcmp(buf, "hello\0\0\0", 8) == 0);
    OK(__wasi_fd_allocate(fd, 0, 100));
    OK(__wasi_fd_filestat_get(fd, &st));
    CHECK(st.size == 100);
    OK(__wasi_fd_allocate(fd, 0, 10)); /* never shrinks */
    OK(__wasi_fd_filestat_get(fd, &st));
    CHECK(st.size == 100);
    ERRNO(__wasi_fd_allocate(fd, 0, 0), __WASI_ERRNO_INVAL);
    /* times */
    OK(__wasi_fd_filestat_set_times(fd, 1000000000ull * 1000000000ull, 1234567890ull * 1000000000ull,
            __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    OK(__wasi_fd_filestat_get(fd, &st));
    CHECK(st.mtim == 1234567890ull * 1000000000ull);
    CHECK(st.atim == 1000000000ull * 1000000000ull);
    ERRNO(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_INVAL);
    OK(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    /* advice, sync */
    OK(__wasi_fd_advise(fd, 0, 100, __WASI_ADVICE_SEQUENTIAL));
    ERRNO(__wasi_fd_advise(fd, 0, 100, 9), __WASI_ERRNO_INVAL);
    OK(__wasi_fd_sync(fd));
    OK(__wasi_fd_datasync(fd));
    /* fdstat, flags, rights */
    __wasi_fdstat_t fs;
    OK(__wasi_fd_fdstat_get(fd, &fs));
    CHECK(fs.fs_filetype == __WASI_FILETYPE_REGULAR_FILE);
    CHECK((fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0);
    OK(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
    OK(__wasi_fd_fdstat_get(fd, &fs));
    CHECK(fs.fs_flags == __WASI_FDFLAGS_APPEND);
    OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
    OK(write_str(fd, "!", &n));
    OK(__wasi_fd_filestat_get(fd, &st));
    CHECK(st.size == 101); /* appended at the end, not at 0 */
    ERRNO(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_SYNC), __WASI_ERRNO_NOTSUP);
    OK(__wasi_fd_fdstat_set_flags(fd, 0));
    OK(__wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL, 0));
    ERRNO(write_str(fd, "x", &n), __WASI_ERRNO_NOTCAPABLE);
    ERRNO(__wasi_fd_fdstat_set_rights(fd, ALL_FILE_RIGHTS, 0), __WASI_ERRNO_NOTCAPABLE);
    OK(__wasi_fd_pread(fd, &r, 1, 0, &n));
    /* renumber onto another open descriptor */
    OK(open_at(dir, "b.txt", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, ALL_FILE_RIGHTS, 0, &fd2));
    OK(write_str(fd2, "bee", &n));
    OK(__wasi_fd_renumber(fd2, fd));
    ERRNO(__wasi_fd_close(fd2), __WASI_ERRNO_BADF);
    OK(__wasi_fd_pread(fd, &r, 1, 0, &n));
    CHECK(n == 3 && memcmp(buf, "bee", 3) == 0);
    ERRNO(__wasi_fd_renumber(fd, 999), __WASI_ERRNO_BADF);
    OK(__wasi_fd_close(fd));
    ERRNO(__wasi_fd_close(fd), __WASI_ERRNO_BADF);
    /* truncate on open, append flag on open */
    OK(open_at(dir, "a.txt", 0, __WASI_OFLAGS_TRUNC, ALL_FILE_RIGHTS, __WASI_FDFLAGS_APPEND, &fd));
    OK(__wasi_fd_filestat_get(fd, &st));
    CHECK(st.size == 0);
    OK(write_str(fd, "one ", &n));
    OK(write_str(fd, "two", &n));
    OK(__wasi_fd_close(fd));
    SECTION("files");
}

static int readdir_names(int fd, char *out, size_t outlen, int small) {
    /* Reads all entries, resuming with cookies; with `small` the buffer holds about one entry at a time. */
    uint8_t buf[256];
    __wasi_dircookie_t cookie = 0;
    int count = 0;
    out[0] = 0;
    for (;;) {
        __wasi_size_t used;
        size_t len = small ? sizeof(__wasi_dirent_t) + 12 : sizeof buf;
        if (__wasi_fd_readdir(fd, buf, len, cookie, &used) != 0) return -1;
        size_t off = 0;
        int progress = 0;
        while (off + sizeof(__wasi_dirent_t) <= used) {
            __wasi_dirent_t d;
            memcpy(&d, buf + off, sizeof d);
            if (off + sizeof d + d.d_namlen > used) break; /* cut entry: ask again from its cookie */
            strncat(out, (char *) buf + off + sizeof d, d.d_namlen);
            strcat(out, d.d_type == __WASI_FILETYPE_DIRECTORY ? "/ " : " ");
            cookie = d.d_next;
            off += sizeof d + d.d_namlen;
            count++;
            progress = 1;
        }
        if (used < len) break;
        if (!progress) return -2;
    }
    return count;
}

static void dirs(void) {
    __wasi_fd_t fd, sub;
    __wasi_size_t n;
    char names[512];
    OK(__wasi_path_create_directory(dir, "d"));
    ERRNO(__wasi_path_create_directory(dir, "d"), __WASI_ERRNO_EXIST);
    ERRNO(__wasi_path_create_directory(dir, "nope/d"), __WASI_ERRNO_NOENT);
    OK(__wasi_path_create_directory(dir, "d/e"));
    OK(open_at(dir, "d/e/f.txt", 0, __WASI_OFLAGS_CREAT, ALL_FILE_RIGHTS, 0, &fd));
    OK(write_str(fd, "data", &n));
    OK(__wasi_fd_close(fd));
    ERRNO(__wasi_path_remove_directory(dir, "d/e"), __WASI_ERRNO_NOTEMPTY);
    ERRNO(__wasi_path_remove_directory(dir, "d/e/f.txt"), __WASI_ERRNO_NOTDIR);
    ERRNO(__wasi_path_unlink_file(dir, "d/e"), __WASI_ERRNO_ISDIR);
    ERRNO(open_at(dir, "d/e/f.txt/x", 0, 0, ALL_FILE_RIGHTS, 0, &fd), __WASI_ERRNO_NOTDIR);
    ERRNO(open_at(dir, "d/e/f.txt", 0, __WASI_OFLAGS_DIRECTORY, ALL_FILE_RIGHTS, 0, &fd), __WASI_ERRNO_NOTDIR);
    ERRNO(open_at(dir, "d/e/missing", 0, 0, ALL_FILE_RIGHTS, 0, &fd), __WASI_ERRNO_NOENT);
    ERRNO(open_at(dir, "d", 0, 0, ALL_FILE_RIGHTS, 0, &fd), __WASI_ERRNO_ISDIR);
    /* a directory descriptor opened below the pre-open, used as a base for relative paths */
    OK(open_at(dir, "d", 0, __WASI_OFLAGS_DIRECTORY, ALL_FILE_RIGHTS, 0, &sub));
    __wasi_fdstat_t fs;
    OK(__wasi_fd_fdstat_get(sub, &fs));
    CHECK(fs.fs_filetype == __WASI_FILETYPE_DIRECTORY);
    ERRNO(__wasi_fd_prestat_get(sub, &(__wasi_prestat_t){0}), __WASI_ERRNO_BADF);
    OK(open_at(sub, "e/../e/./f.txt", 0, 0, __WASI_RIGHTS_FD_READ, 0, &fd));
    char buf[16] = {0};
    OK(read_buf(fd, buf, sizeof buf, &n));
    CHECK(n == 4 && memcmp(buf, "data", 4) == 0);
    ERRNO(write_str(fd, "x", &n), __WASI_ERRNO_NOTCAPABLE); /* opened without write rights */
    ERRNO(read_buf(sub, buf, 4, &n), __WASI_ERRNO_ISDIR);
    ERRNO(__wasi_fd_seek(sub, 0, __WASI_WHENCE_SET, &(__wasi_filesize_t){0}), __WASI_ERRNO_NOTCAPABLE);
    OK(__wasi_fd_close(fd));
    /* readdir: ".", "..", then sorted names; resumable with cookies, also with a tiny buffer */
    /* no directory flag: still a directory (asking for write rights on it would be EISDIR) */
    ERRNO(open_at(sub, "e", 0, 0, ALL_FILE_RIGHTS, 0, &fd), __WASI_ERRNO_ISDIR);
    OK(__wasi_path_open(sub, 0, "e", 0, __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_CREATE_FILE
            | __WASI_RIGHTS_PATH_CREATE_DIRECTORY, ALL_FILE_RIGHTS, 0, &fd));
    OK(open_at(fd, "g.txt", 0, __WASI_OFLAGS_CREAT, ALL_FILE_RIGHTS, 0, &(__wasi_fd_t){0}));
    OK(__wasi_path_create_directory(fd, "h"));
    CHECK(readdir_names(fd, names, sizeof names, 0) == 5);
    CHECK(strcmp(names, "./ ../ f.txt g.txt h/ ") == 0);
    printf("readdir: %s\n", names);
    CHECK(readdir_names(fd, names, sizeof names, 1) == 5);
    CHECK(strcmp(names, "./ ../ f.txt g.txt h/ ") == 0);
    ERRNO(__wasi_fd_readdir(3 + 100, (uint8_t *) names, 100, 0, &n), __WASI_ERRNO_BADF);
    /* path_filestat, times, rename, link, symlink, readlink, unlink */
    __wasi_filestat_t st;
    OK(__wasi_path_filestat_get(sub, 0, "e/f.txt", &st));
    CHECK(st.size == 4 && st.filetype == __WASI_FILETYPE_REGULAR_FILE);
    OK(__wasi_path_filestat_get(dir, 0, "d", &st));
    CHECK(st.filetype == __WASI_FILETYPE_DIRECTORY);
    ERRNO(__wasi_path_filestat_get(dir, 0, "d/zz", &st), __WASI_ERRNO_NOENT);
    OK(__wasi_path_filestat_set_times(dir, 0, "d/e/f.txt", 0, 42ull * 1000000000ull, __WASI_FSTFLAGS_MTIM));
    OK(__wasi_path_filestat_get(dir, 0, "d/e/f.txt", &st));
    CHECK(st.mtim == 42ull * 1000000000ull);
    OK(__wasi_path_link(dir, 0, "d/e/f.txt", dir, "hard.txt"));
    OK(__wasi_path_filestat_get(dir, 0, "hard.txt", &st));
    CHECK(st.nlink == 2 && st.size == 4);
    ERRNO(__wasi_path_link(dir, 0, "d/e/f.txt", dir, "hard.txt"), __WASI_ERRNO_EXIST);
    ERRNO(__wasi_path_link(dir, 0, "d", dir, "dirlink"), __WASI_ERRNO_PERM);
    OK(__wasi_path_symlink("d/e/f.txt", dir, "soft"));
    ERRNO(__wasi_path_symlink("x", dir, "soft"), __WASI_ERRNO_EXIST);
    char target[32] = {0};
    OK(__wasi_path_readlink(dir, "soft", (uint8_t *) target, sizeof target, &n));
    CHECK(n == 9 && memcmp(target, "d/e/f.txt", 9) == 0);
    OK(__wasi_path_readlink(dir, "soft", (uint8_t *) target, 3, &n));
    CHECK(n == 3); /* truncated */
    ERRNO(__wasi_path_readlink(dir, "hard.txt", (uint8_t *) target, sizeof target, &n), __WASI_ERRNO_INVAL);
    OK(__wasi_path_filestat_get(dir, 0, "soft", &st));
    CHECK(st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK);
    OK(__wasi_path_filestat_get(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "soft", &st));
    CHECK(st.filetype == __WASI_FILETYPE_REGULAR_FILE && st.size == 4);
    OK(open_at(dir, "soft", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0, __WASI_RIGHTS_FD_READ, 0, &fd));
    OK(__wasi_fd_close(fd));
    ERRNO(open_at(dir, "soft", 0, 0, __WASI_RIGHTS_FD_READ, 0, &fd), __WASI_ERRNO_LOOP); /* O_NOFOLLOW */
    OK(__wasi_path_symlink("loop2", dir, "loop1"));
    OK(__wasi_path_symlink("loop1", dir, "loop2"));
    ERRNO(open_at(dir, "loop1", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0, __WASI_RIGHTS_FD_READ, 0, &fd), __WASI_ERRNO_LOOP);
    OK(__wasi_path_rename(dir, "hard.txt", sub, "moved.txt"));
    ERRNO(__wasi_path_filestat_get(dir, 0, "hard.txt", &st), __WASI_ERRNO_NOENT);
    OK(__wasi_path_filestat_get(dir, 0, "d/moved.txt", &st));
    ERRNO(__wasi_path_rename(dir, "d/moved.txt", dir, "d/e"), __WASI_ERRNO_ISDIR);
    ERRNO(__wasi_path_rename(dir, "d", dir, "d/e/inside"), __WASI_ERRNO_INVAL);
    OK(__wasi_path_rename(dir, "d/e/h", dir, "h2"));
    ERRNO(__wasi_path_rename(dir, "missing", dir, "x"), __WASI_ERRNO_NOENT);
    OK(__wasi_path_unlink_file(dir, "soft"));
    OK(__wasi_path_filestat_get(dir, 0, "d/e/f.txt", &st)); /* the link went, not its target */
    OK(__wasi_path_unlink_file(dir, "d/moved.txt"));
    ERRNO(__wasi_path_unlink_file(dir, "d/moved.txt"), __WASI_ERRNO_NOENT);
    OK(__wasi_path_unlink_file(dir, "loop1"));
    OK(__wasi_path_unlink_file(dir, "loop2"));
    OK(__wasi_path_remove_directory(dir, "h2"));
    ERRNO(__wasi_path_remove_directory(dir, "."), __WASI_ERRNO_BUSY);
    OK(__wasi_fd_close(sub));
    SECTION("dirs");
}

static void errors(void) {
    __wasi_size_t n;
    __wasi_fd_t fd;
    ERRNO(write_str(77, "x", &n), __WASI_ERRNO_BADF);
    ERRNO(open_at(77, "x", 0, 0, 0, 0, &fd), __WASI_ERRNO_BADF);
    ERRNO(open_at(1, "x", 0, 0, 0, 0, &fd), __WASI_ERRNO_NOTDIR);
    ERRNO(__wasi_fd_seek(1, 0, __WASI_WHENCE_SET, &(__wasi_filesize_t){0}), __WASI_ERRNO_SPIPE);
    ERRNO(__wasi_fd_tell(0, &(__wasi_filesize_t){0}), __WASI_ERRNO_SPIPE);
    ERRNO(__wasi_fd_pread(1, &(__wasi_iovec_t){0}, 1, 0, &n), __WASI_ERRNO_SPIPE);
    ERRNO(open_at(dir, "", 0, 0, 0, 0, &fd), __WASI_ERRNO_NOENT);
    ERRNO(open_at(dir, "x", 0, 0x100, 0, 0, &fd), __WASI_ERRNO_INVAL);
    /* pointers outside memory are EFAULT, not a trap */
    __wasi_ciovec_t bad = {(const uint8_t *) 0xFFFFFF00u, 1000};
    ERRNO(__wasi_fd_write(1, &bad, 1, &n), __WASI_ERRNO_FAULT);
    ERRNO(__wasi_fd_fdstat_get(1, (__wasi_fdstat_t *) 0xFFFFFFF0u), __WASI_ERRNO_FAULT);
    SECTION("errors");
}

int main(void) {
    dir = preopen("/work");
    CHECK(dir >= 3);
    files();
    dirs();
    errors();
    return failures ? 1 : 0;
}
