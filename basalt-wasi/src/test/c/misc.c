/* Arguments, environment, stdio, clocks, random, poll_oneoff, sched_yield and the ways a process ends.
 * argv[1] picks how it ends: "exit N" (proc_exit N), "raise" (proc_raise term), "trap" (unreachable), else return. */
#include "check.h"
#include <stdlib.h>
#include <ctype.h>

extern char **environ;

/* This wasi-libc no longer declares proc_raise; import it directly. Signals: 15 = term, 16 = chld. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
int32_t raw_proc_raise(int32_t sig);

int main(int argc, char **argv) {
    /* args and environ, through libc (which calls args_sizes_get/args_get, environ_sizes_get/environ_get) */
    printf("argc=%d", argc);
    for (int i = 0; i < argc; i++) printf(" [%s]", argv[i]);
    printf("\n");
    for (char **e = environ; *e; e++) printf("env %s\n", *e);
    __wasi_size_t count, size;
    OK(__wasi_args_sizes_get(&count, &size));
    CHECK(count == (__wasi_size_t) argc);
    SECTION("args");

    /* stdin to stdout, upper-cased; then a line on stderr */
    char buf[256];
    __wasi_size_t n, total = 0;
    while (read_buf(0, buf, sizeof buf, &n) == 0 && n > 0) {
        for (__wasi_size_t i = 0; i < n; i++) buf[i] = toupper((unsigned char) buf[i]);
        fwrite(buf, 1, n, stdout);
        total += n;
    }
    printf("\nstdin bytes=%lu\n", (unsigned long) total);
    fflush(stdout);
    OK(write_str(2, "to stderr\n", &n));
    __wasi_fdstat_t fs;
    OK(__wasi_fd_fdstat_get(1, &fs));
    CHECK((fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE) && !(fs.fs_rights_base & __WASI_RIGHTS_FD_SEEK));
    ERRNO(read_buf(1, buf, 1, &n), __WASI_ERRNO_NOTCAPABLE);
    SECTION("stdio");

    /* clocks: the test runs with a deterministic clock, so the values are exact */
    __wasi_timestamp_t t0, t1, res;
    OK(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t0));
    OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1));
    printf("realtime=%llu monotonic=%llu\n", (unsigned long long) t0, (unsigned long long) t1);
    OK(__wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &res));
    printf("resolution=%llu\n", (unsigned long long) res);
    OK(__wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &t0));
    OK(__wasi_clock_time_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, 1, &t0));
    OK(__wasi_clock_res_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, &res));
    ERRNO(__wasi_clock_time_get(7, 1, &t0), __WASI_ERRNO_INVAL);
    ERRNO(__wasi_clock_res_get(7, &res), __WASI_ERRNO_INVAL);
    ERRNO(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, (__wasi_timestamp_t *) 0xFFFFFFFCu), __WASI_ERRNO_FAULT);
    SECTION("clocks");

    /* random: seeded by the test */
    uint8_t rnd[8];
    OK(__wasi_random_get(rnd, sizeof rnd));
    printf("random=");
    for (int i = 0; i < 8; i++) printf("%02x", rnd[i]);
    printf("\n");
    ERRNO(__wasi_random_get((uint8_t *) 0xFFFFFFF0u, 100), __WASI_ERRNO_FAULT);
    SECTION("random");

    /* poll_oneoff: a relative clock, an absolute clock in the past, stdout writable, a bad fd */
    __wasi_subscription_t subs[4];
    __wasi_event_t events[4];
    memset(subs, 0, sizeof subs);
    subs[0].userdata = 11;
    subs[0].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    subs[0].u.u.clock.timeout = 5000000; /* 5 ms */
    OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t0));
    OK(__wasi_poll_oneoff(subs, events, 1, &n));
    OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1));
    CHECK(n == 1 && events[0].userdata == 11 && events[0].type == __WASI_EVENTTYPE_CLOCK && events[0].error == 0);
    CHECK(t1 - t0 >= 5000000);
    printf("slept=%llu\n", (unsigned long long) (t1 - t0));
    subs[0].u.u.clock.timeout = 1; /* absolute, long past */
    subs[0].u.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
    subs[1].userdata = 22;
    subs[1].u.tag = __WASI_EVENTTYPE_FD_WRITE;
    subs[1].u.u.fd_write.file_descriptor = 1;
    subs[2].userdata = 33;
    subs[2].u.tag = __WASI_EVENTTYPE_FD_READ;
    subs[2].u.u.fd_read.file_descriptor = 99;
    subs[3].userdata = 44;
    subs[3].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[3].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    subs[3].u.u.clock.timeout = 1000000000000ull; /* far away: not reported */
    OK(__wasi_poll_oneoff(subs, events, 4, &n));
    CHECK(n == 3);
    CHECK(events[0].userdata == 11 && events[0].type == __WASI_EVENTTYPE_CLOCK);
    CHECK(events[1].userdata == 22 && events[1].type == __WASI_EVENTTYPE_FD_WRITE && events[1].error == 0);
    CHECK(events[2].userdata == 33 && events[2].error == __WASI_ERRNO_BADF);
    /* stdin is at its end: readable (a read returns 0) */
    subs[0].u.tag = __WASI_EVENTTYPE_FD_READ;
    subs[0].u.u.fd_read.file_descriptor = 0;
    OK(__wasi_poll_oneoff(subs, events, 1, &n));
    CHECK(n == 1 && events[0].type == __WASI_EVENTTYPE_FD_READ && events[0].error == 0);
    ERRNO(__wasi_poll_oneoff(subs, events, 0, &n), __WASI_ERRNO_INVAL);
    SECTION("poll");

    OK(__wasi_sched_yield());
    ERRNO(raw_proc_raise(0), __WASI_ERRNO_INVAL);
    ERRNO(raw_proc_raise(99), __WASI_ERRNO_INVAL);
    OK(raw_proc_raise(16)); /* ignored by default */
    SECTION("proc");
    fflush(stdout);

    if (argc > 2 && strcmp(argv[1], "exit") == 0) __wasi_proc_exit(atoi(argv[2]));
    if (argc > 1 && strcmp(argv[1], "raise") == 0) raw_proc_raise(15);
    if (argc > 1 && strcmp(argv[1], "trap") == 0) __builtin_trap();
    return failures ? 1 : 0;
}
