/* Sandbox escape attempts. The host prepares: pre-open "/sandbox" (read-write) holding a directory sub/, a symlink
 * escape -> ../outside, a symlink abs -> (absolute host path of outside/secret.txt), a symlink inner -> sub; and
 * pre-open "/ro" (read-only) holding readme.txt ("read me"). outside/secret.txt sits next to the sandbox. */
#include "check.h"

#define R_READ (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET)
#define R_WRITE (__WASI_RIGHTS_FD_WRITE | R_READ)

int main(void) {
    int sb = preopen("/sandbox");
    int ro = preopen("/ro");
    CHECK(sb >= 3 && ro >= 3);
    __wasi_fd_t fd;
    __wasi_size_t n;
    __wasi_filestat_t st;
    const __wasi_lookupflags_t FOLLOW = __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;

    /* .. and absolute paths */
    ERRNO(open_at(sb, "../outside/secret.txt", FOLLOW, 0, R_READ, 0, &fd), __WASI_ERRNO_PERM);
    ERRNO(open_at(sb, "sub/../../outside/secret.txt", FOLLOW, 0, R_READ, 0, &fd), __WASI_ERRNO_PERM);
    ERRNO(open_at(sb, "/etc/passwd", FOLLOW, 0, R_READ, 0, &fd), __WASI_ERRNO_PERM);
    ERRNO(open_at(sb, "..", FOLLOW, __WASI_OFLAGS_DIRECTORY, R_READ, 0, &fd), __WASI_ERRNO_PERM);
    ERRNO(__wasi_path_filestat_get(sb, FOLLOW, "../outside", &st), __WASI_ERRNO_PERM);
    ERRNO(__wasi_path_create_directory(sb, "../made-outside"), __WASI_ERRNO_PERM);
    OK(__wasi_path_open(sb, FOLLOW, "sub/../sub/./", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_PATH_OPEN, R_READ, 0,
            &fd)); /* inside: fine */
    /* a descriptor for a subdirectory cannot climb above the pre-open either */
    ERRNO(open_at(fd, "../../outside/secret.txt", FOLLOW, 0, R_READ, 0, &(__wasi_fd_t){0}), __WASI_ERRNO_PERM);
    OK(open_at(fd, "..", FOLLOW, __WASI_OFLAGS_DIRECTORY, R_READ, 0, &(__wasi_fd_t){0}));
    SECTION("dotdot");

    /* symlinks the host planted */
    ERRNO(open_at(sb, "escape/secret.txt", FOLLOW, 0, R_READ, 0, &fd), __WASI_ERRNO_PERM);
    ERRNO(open_at(sb, "escape/secret.txt", 0, 0, R_READ, 0, &fd), __WASI_ERRNO_PERM); /* intermediate links always followed */
    ERRNO(open_at(sb, "abs", FOLLOW, 0, R_READ, 0, &fd), __WASI_ERRNO_PERM);
    ERRNO(open_at(sb, "abs", 0, 0, R_READ, 0, &fd), __WASI_ERRNO_LOOP);
    ERRNO(__wasi_path_filestat_get(sb, FOLLOW, "escape", &st), __WASI_ERRNO_PERM);
    OK(__wasi_path_filestat_get(sb, 0, "escape", &st)); /* the link itself is inside */
    CHECK(st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK);
    OK(open_at(sb, "inner/../sub", FOLLOW, __WASI_OFLAGS_DIRECTORY, R_READ, 0, &fd));
    /* symlinks the guest makes */
    ERRNO(__wasi_path_symlink("/etc/passwd", sb, "pw"), __WASI_ERRNO_PERM);
    OK(__wasi_path_symlink("../../outside", sb, "sub/up"));
    ERRNO(open_at(sb, "sub/up/secret.txt", FOLLOW, 0, R_READ, 0, &fd), __WASI_ERRNO_PERM);
    OK(__wasi_path_symlink("../secret-copy.txt", sb, "sub/ok"));
    OK(open_at(sb, "sub/ok", FOLLOW, __WASI_OFLAGS_CREAT, R_WRITE, 0, &fd)); /* creates sandbox/secret-copy.txt */
    OK(write_str(fd, "mine", &n));
    OK(__wasi_fd_close(fd));
    ERRNO(__wasi_path_link(sb, FOLLOW, "escape/secret.txt", sb, "stolen"), __WASI_ERRNO_PERM);
    ERRNO(__wasi_path_readlink(sb, "../outside", (uint8_t *) &st, 8, &n), __WASI_ERRNO_PERM);
    SECTION("symlinks");

    /* renaming or linking out of the pre-open */
    OK(open_at(sb, "mine.txt", 0, __WASI_OFLAGS_CREAT, R_WRITE, 0, &fd));
    OK(__wasi_fd_close(fd));
    ERRNO(__wasi_path_rename(sb, "mine.txt", sb, "../mine.txt"), __WASI_ERRNO_PERM);
    ERRNO(__wasi_path_rename(sb, "mine.txt", sb, "escape/mine.txt"), __WASI_ERRNO_PERM);
    ERRNO(__wasi_path_rename(sb, "../outside/secret.txt", sb, "got.txt"), __WASI_ERRNO_PERM);
    ERRNO(__wasi_path_link(sb, 0, "mine.txt", sb, "../linked.txt"), __WASI_ERRNO_PERM);
    ERRNO(__wasi_path_unlink_file(sb, "../outside/secret.txt"), __WASI_ERRNO_PERM);
    ERRNO(__wasi_path_unlink_file(sb, "escape/secret.txt"), __WASI_ERRNO_PERM);
    ERRNO(__wasi_path_remove_directory(sb, "escape/"), __WASI_ERRNO_PERM);
    /* between two pre-opens: the read-only one refuses */
    ERRNO(__wasi_path_rename(sb, "mine.txt", ro, "mine.txt"), __WASI_ERRNO_NOTCAPABLE);
    ERRNO(__wasi_path_rename(ro, "readme.txt", sb, "readme.txt"), __WASI_ERRNO_NOTCAPABLE);
    SECTION("rename");

    /* read-only pre-open: reading works, nothing changes */
    char buf[16] = {0};
    OK(open_at(ro, "readme.txt", 0, 0, R_READ, 0, &fd));
    OK(read_buf(fd, buf, sizeof buf, &n));
    CHECK(n == 7 && memcmp(buf, "read me", 7) == 0);
    ERRNO(write_str(fd, "x", &n), __WASI_ERRNO_NOTCAPABLE);
    ERRNO(__wasi_fd_filestat_set_size(fd, 0), __WASI_ERRNO_NOTCAPABLE);
    ERRNO(__wasi_fd_fdstat_set_rights(fd, R_WRITE, 0), __WASI_ERRNO_NOTCAPABLE);
    OK(__wasi_fd_close(fd));
    ERRNO(open_at(ro, "readme.txt", 0, 0, R_WRITE, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
    ERRNO(open_at(ro, "new.txt", 0, __WASI_OFLAGS_CREAT, R_READ, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
    ERRNO(open_at(ro, "readme.txt", 0, __WASI_OFLAGS_TRUNC, R_READ, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
    ERRNO(__wasi_path_create_directory(ro, "d"), __WASI_ERRNO_NOTCAPABLE);
    ERRNO(__wasi_path_unlink_file(ro, "readme.txt"), __WASI_ERRNO_NOTCAPABLE);
    ERRNO(__wasi_path_symlink("readme.txt", ro, "l"), __WASI_ERRNO_NOTCAPABLE);
    ERRNO(__wasi_path_filestat_set_times(ro, 0, "readme.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_NOTCAPABLE);
    __wasi_fdstat_t fs;
    OK(__wasi_fd_fdstat_get(ro, &fs));
    CHECK((fs.fs_rights_inheriting & __WASI_RIGHTS_FD_WRITE) == 0);
    CHECK((fs.fs_rights_base & __WASI_RIGHTS_PATH_CREATE_FILE) == 0);
    /* what libc does: fopen(..., "w") fails, fopen(..., "r") works */
    FILE *f = fopen("/ro/readme.txt", "w");
    CHECK(f == NULL);
    f = fopen("/ro/readme.txt", "r");
    CHECK(f != NULL && fgets(buf, sizeof buf, f) && strcmp(buf, "read me") == 0);
    CHECK(fopen("/sandbox/../outside/secret.txt", "r") == NULL);
    CHECK(fopen("/outside/secret.txt", "r") == NULL);
    SECTION("readonly");
    return failures ? 1 : 0;
}
