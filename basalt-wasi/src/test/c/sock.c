/* Pre-opened sockets: the host grants two listening sockets after the directories (fds 3 and 4 here, no
 * pre-opened directory). Nobody connects to the second; on the first, the guest accepts one client, reads a
 * line and answers "echo: <line>", then shuts down and closes. */
#include "check.h"

int main(void) {
    int listener = -1, idle = -1;
    for (int fd = 3; fd < 16; fd++) {
        __wasi_fdstat_t fs;
        if (__wasi_fd_fdstat_get(fd, &fs) != 0) break;
        if (fs.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM) {
            if (listener < 0) listener = fd; else idle = fd;
        }
    }
    CHECK(listener >= 3 && idle > listener);
    __wasi_fd_t conn;
    __wasi_size_t n;
    __wasi_roflags_t roflags;
    ERRNO(__wasi_sock_accept(1, 0, &conn), __WASI_ERRNO_NOTSOCK);
    ERRNO(__wasi_sock_accept(99, 0, &conn), __WASI_ERRNO_BADF);
    ERRNO(__wasi_sock_accept(listener, 0x100, &conn), __WASI_ERRNO_INVAL);
    OK(__wasi_fd_fdstat_set_flags(idle, __WASI_FDFLAGS_NONBLOCK));
    ERRNO(__wasi_sock_accept(idle, 0, &conn), __WASI_ERRNO_AGAIN);
    ERRNO(__wasi_sock_recv(listener, &(__wasi_iovec_t){0}, 1, 0, &n, &roflags), __WASI_ERRNO_NOTSOCK);
    ERRNO(__wasi_sock_shutdown(listener, __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTSOCK);
    /* wait for the client with poll_oneoff, then accept */
    __wasi_subscription_t sub = {.userdata = 7, .u = {.tag = __WASI_EVENTTYPE_FD_READ}};
    sub.u.u.fd_read.file_descriptor = listener;
    __wasi_event_t ev;
    OK(__wasi_poll_oneoff(&sub, &ev, 1, &n));
    CHECK(n == 1 && ev.userdata == 7 && ev.error == 0);
    OK(__wasi_sock_accept(listener, 0, &conn));
    __wasi_fdstat_t fs;
    OK(__wasi_fd_fdstat_get(conn, &fs));
    CHECK(fs.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM);
    char line[128];
    size_t len = 0;
    while (len < sizeof line - 1) {
        __wasi_iovec_t iov = {(uint8_t *) line + len, sizeof line - 1 - len};
        OK(__wasi_sock_recv(conn, &iov, 1, 0, &n, &roflags));
        if (n == 0) break;
        len += n;
        if (memchr(line, '\n', len)) break;
    }
    line[len] = 0;
    ERRNO(__wasi_sock_recv(conn, &(__wasi_iovec_t){(uint8_t *) line, 1}, 1, __WASI_RIFLAGS_RECV_PEEK, &n, &roflags),
          __WASI_ERRNO_NOTSUP);
    ERRNO(__wasi_fd_seek(conn, 0, __WASI_WHENCE_SET, &(__wasi_filesize_t){0}), __WASI_ERRNO_SPIPE);
    __wasi_ciovec_t out[2] = {{(const uint8_t *) "echo: ", 6}, {(const uint8_t *) line, len}};
    OK(__wasi_sock_send(conn, out, 2, 0, &n));
    CHECK(n == 6 + len);
    ERRNO(__wasi_sock_shutdown(conn, 0), __WASI_ERRNO_INVAL);
    OK(__wasi_sock_shutdown(conn, __WASI_SDFLAGS_WR));
    OK(__wasi_fd_close(conn));
    printf("served: %s", line);
    SECTION("sockets");
    return failures ? 1 : 0;
}
