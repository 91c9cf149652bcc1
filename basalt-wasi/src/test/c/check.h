/* Tiny self-checking harness for the WASI test programs: every failed check prints a FAIL line; main returns 1 if
 * any check failed. The JUnit side asserts the exit code, the "ok" lines and what happened on the host. */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

static int failures;

#define CHECK(cond) do { if (!(cond)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)
#define ERRNO(call, want) do { __wasi_errno_t r_ = (call); if (r_ != (want)) { \
    printf("FAIL %s:%d %s -> errno %d, want %d\n", __FILE__, __LINE__, #call, (int) r_, (int) (want)); failures++; } } while (0)
#define OK(call) ERRNO(call, 0)
#define SECTION(name) printf("ok %s\n", name)

/* The descriptor of the pre-opened directory the guest knows as `name`, or -1. */
static int preopen(const char *name) {
    for (int fd = 3; fd < 64; fd++) {
        __wasi_prestat_t p;
        if (__wasi_fd_prestat_get(fd, &p) != 0) break;
        char buf[256];
        if (p.u.dir.pr_name_len >= sizeof buf) continue;
        if (__wasi_fd_prestat_dir_name(fd, (uint8_t *) buf, p.u.dir.pr_name_len) != 0) continue;
        buf[p.u.dir.pr_name_len] = 0;
        if (strcmp(buf, name) == 0) return fd;
    }
    return -1;
}

static __wasi_errno_t open_at(int dir, const char *path, __wasi_lookupflags_t look, __wasi_oflags_t oflags,
        __wasi_rights_t rights, __wasi_fdflags_t fdflags, __wasi_fd_t *out) {
    return __wasi_path_open(dir, look, path, oflags, rights, rights, fdflags, out);
}

static __wasi_errno_t write_str(__wasi_fd_t fd, const char *s, __wasi_size_t *n) {
    __wasi_ciovec_t iov = {(const uint8_t *) s, strlen(s)};
    return __wasi_fd_write(fd, &iov, 1, n);
}

static __wasi_errno_t read_buf(__wasi_fd_t fd, char *buf, size_t len, __wasi_size_t *n) {
    __wasi_iovec_t iov = {(uint8_t *) buf, len};
    return __wasi_fd_read(fd, &iov, 1, n);
}

#define ALL_FILE_RIGHTS ((__wasi_rights_t) 0x0FFFFFFF)
