/* The WASI 0.2 (component) test program: what a libc program does, through POSIX calls only, so that it checks
 * the host and not the preview1 adapter's translation details. Built as a core module like the others, then
 * wrapped as a command component (build-test-components.sh). argv[1] picks the part:
 *   env              print argc/argv/environ exactly
 *   stdio            stdin upper-cased to stdout, a line to stderr
 *   clocks           realtime/monotonic readings, a sleep, random bytes
 *   files            files and directories below the pre-open /work
 *   sandbox          escapes from /sandbox and writes into the read-only /ro must fail
 *   bulk N           write N MiB to /work/big.bin in 64 KiB blocks, read it back, compare
 *   exit N           exit(N)
 * Each part prints "ok <part>" when its checks pass, FAIL lines otherwise (exit 1). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <ctype.h>

extern char **environ;
static int failures;

#define CHECK(cond) do { if (!(cond)) { printf("FAIL %d %s (errno %d)\n", __LINE__, #cond, errno); failures++; } } while (0)
/* a call that must fail with errno `want` */
/* "ok <part>" only when every check of the part passed */
#define SECTION(name) do { if (!failures) printf("ok %s\n", name); } while (0)
#define FAILS(call, want) do { errno = 0; long r_ = (long) (call); if (r_ != -1 || errno != (want)) { \
    printf("FAIL %d %s -> %ld errno %d, want errno %d\n", __LINE__, #call, r_, errno, (want)); failures++; } } while (0)

static int write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    size_t n = fwrite(text, 1, strlen(text), f);
    return fclose(f) == 0 && n == strlen(text) ? 0 : -1;
}

static int read_file(const char *path, char *buf, size_t len) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = 0;
    fclose(f);
    return (int) n;
}

static void env(int argc, char **argv) {
    printf("argc=%d", argc);
    for (int i = 0; i < argc; i++) printf(" [%s]", argv[i]);
    printf("\n");
    for (char **e = environ; *e; e++) printf("env %s\n", *e);
    SECTION("env");
}

static void stdio(void) {
    char buf[256];
    size_t total = 0;
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++) buf[i] = toupper((unsigned char) buf[i]);
        fwrite(buf, 1, n, stdout);
        total += n;
    }
    CHECK(n == 0);
    printf("\nstdin bytes=%zu\n", total);
    fprintf(stderr, "to stderr\n");
    CHECK(!isatty(1));
    SECTION("stdio");
}

static void clocks(void) {
    struct timespec rt, m0, m1, res;
    CHECK(clock_gettime(CLOCK_REALTIME, &rt) == 0);
    CHECK(clock_gettime(CLOCK_MONOTONIC, &m0) == 0);
    printf("realtime=%lld.%09ld\n", (long long) rt.tv_sec, rt.tv_nsec);
    CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0);
    printf("resolution=%ld\n", res.tv_nsec);
    struct timespec d = {0, 5000000};
    CHECK(nanosleep(&d, NULL) == 0);
    CHECK(clock_gettime(CLOCK_MONOTONIC, &m1) == 0);
    long long slept = (m1.tv_sec - m0.tv_sec) * 1000000000LL + (m1.tv_nsec - m0.tv_nsec);
    printf("slept=%lld\n", slept);
    CHECK(slept >= 5000000);
    unsigned char r[8];
    CHECK(getentropy(r, sizeof r) == 0);
    printf("random=");
    for (int i = 0; i < 8; i++) printf("%02x", r[i]);
    printf("\n");
    SECTION("clocks");
}

static void files(void) {
    char buf[128];
    CHECK(write_file("/work/a.txt", "hello world") == 0);
    CHECK(read_file("/work/a.txt", buf, sizeof buf) == 11 && strcmp(buf, "hello world") == 0);
    /* append, seek, pread/pwrite, truncate */
    FILE *f = fopen("/work/a.txt", "a");
    CHECK(f && fputs("!", f) >= 0 && fclose(f) == 0);
    int fd = open("/work/a.txt", O_RDWR);
    CHECK(fd >= 0);
    CHECK(lseek(fd, 6, SEEK_SET) == 6);
    CHECK(read(fd, buf, 5) == 5 && memcmp(buf, "world", 5) == 0);
    CHECK(pwrite(fd, "WORLD", 5, 6) == 5);
    CHECK(pread(fd, buf, 12, 0) == 12 && memcmp(buf, "hello WORLD!", 12) == 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 12 && S_ISREG(st.st_mode));
    CHECK(ftruncate(fd, 5) == 0);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 5);
    CHECK(close(fd) == 0);
    FAILS(open("/work/a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
    FAILS(open("/work/missing.txt", O_RDONLY), ENOENT);
    /* directories */
    CHECK(mkdir("/work/d", 0755) == 0);
    FAILS(mkdir("/work/d", 0755), EEXIST);
    CHECK(mkdir("/work/d/e", 0755) == 0);
    CHECK(write_file("/work/d/e/f.txt", "data") == 0);
    CHECK(rename("/work/a.txt", "/work/d/b.txt") == 0);
    CHECK(stat("/work/d/b.txt", &st) == 0 && st.st_size == 5);
    FAILS(stat("/work/a.txt", &st), ENOENT);
    FAILS(rmdir("/work/d"), ENOTEMPTY);
    FAILS(unlink("/work/d"), EISDIR);
    CHECK(symlink("e/f.txt", "/work/d/link") == 0);
    ssize_t n = readlink("/work/d/link", buf, sizeof buf);
    CHECK(n == 7 && memcmp(buf, "e/f.txt", 7) == 0);
    CHECK(read_file("/work/d/link", buf, sizeof buf) == 4 && strcmp(buf, "data") == 0);
    CHECK(lstat("/work/d/link", &st) == 0 && S_ISLNK(st.st_mode));
    struct timespec times[2] = {{42, 0}, {42, 0}};
    CHECK(utimensat(AT_FDCWD, "/work/d/e/f.txt", times, 0) == 0);
    CHECK(stat("/work/d/e/f.txt", &st) == 0 && st.st_mtim.tv_sec == 42);
    DIR *dir = opendir("/work/d");
    CHECK(dir != NULL);
    printf("readdir:");
    /* the adapter lists entries in the host's order (sorted by Basalt) after "." and ".." */
    struct dirent *e;
    while (dir && (e = readdir(dir)) != NULL) printf(" %s%s", e->d_name, e->d_type == DT_DIR ? "/" : e->d_type == DT_LNK ? "@" : "");
    printf("\n");
    if (dir) closedir(dir);
    CHECK(unlink("/work/d/link") == 0);
    CHECK(mkdir("/work/gone", 0755) == 0 && rmdir("/work/gone") == 0);
    SECTION("files");
}

static void sandbox(void) {
    char buf[64];
    struct stat st;
    /* .. and absolute paths: the preopen is the whole world */
    FAILS(open("/sandbox/../outside/secret.txt", O_RDONLY), EPERM);
    FAILS(open("/sandbox/sub/../../outside/secret.txt", O_RDONLY), EPERM);
    /* no pre-open matches: wasi-libc answers ENOTCAPABLE without asking the host */
    FAILS(open("/outside/secret.txt", O_RDONLY), ENOTCAPABLE);
    FAILS(open("/etc/passwd", O_RDONLY), ENOTCAPABLE);
    FAILS(stat("/sandbox/..", &st), EPERM);
    FAILS(mkdir("/sandbox/../made-outside", 0755), EPERM);
    CHECK(stat("/sandbox/sub/../sub/.", &st) == 0 && S_ISDIR(st.st_mode));
    SECTION("dotdot");
    /* symlinks the host planted, and ones the guest makes */
    FAILS(open("/sandbox/escape/secret.txt", O_RDONLY), EPERM);
    FAILS(open("/sandbox/abs", O_RDONLY), EPERM);
    FAILS(stat("/sandbox/escape", &st), EPERM);
    CHECK(lstat("/sandbox/escape", &st) == 0 && S_ISLNK(st.st_mode));
    CHECK(stat("/sandbox/inner/../sub", &st) == 0);
    FAILS(symlink("/etc/passwd", "/sandbox/pw"), EPERM);
    CHECK(symlink("../../outside", "/sandbox/sub/up") == 0);
    FAILS(open("/sandbox/sub/up/secret.txt", O_RDONLY), EPERM);
    FAILS(link("/sandbox/escape/secret.txt", "/sandbox/stolen"), EPERM);
    FAILS(rename("/sandbox/../outside/secret.txt", "/sandbox/got.txt"), EPERM);
    CHECK(write_file("/sandbox/mine.txt", "mine") == 0);
    FAILS(rename("/sandbox/mine.txt", "/sandbox/escape/mine.txt"), EPERM);
    FAILS(unlink("/sandbox/escape/secret.txt"), EPERM);
    SECTION("symlinks");
    /* the read-only pre-open: reading works, nothing changes */
    CHECK(read_file("/ro/readme.txt", buf, sizeof buf) == 7 && strcmp(buf, "read me") == 0);
    CHECK(fopen("/ro/readme.txt", "w") == NULL);
    FAILS(open("/ro/readme.txt", O_WRONLY), EPERM);
    FAILS(open("/ro/new.txt", O_CREAT | O_WRONLY, 0644), EPERM);
    FAILS(open("/ro/readme.txt", O_RDONLY | O_TRUNC), EPERM);
    FAILS(mkdir("/ro/d", 0755), EPERM);
    FAILS(unlink("/ro/readme.txt"), EPERM);
    FAILS(symlink("readme.txt", "/ro/l"), EPERM);
    FAILS(rename("/sandbox/mine.txt", "/ro/mine.txt"), EPERM);
    FAILS(rename("/ro/readme.txt", "/sandbox/readme.txt"), EPERM);
    struct timespec times[2] = {{1, 0}, {1, 0}};
    FAILS(utimensat(AT_FDCWD, "/ro/readme.txt", times, 0), EPERM);
    int fd = open("/ro/readme.txt", O_RDONLY);
    CHECK(fd >= 0);
    FAILS(write(fd, "x", 1), EBADF);
    FAILS(ftruncate(fd, 0), EBADF);
    close(fd);
    SECTION("readonly");
}

static void bulk(int mib) {
    static unsigned char block[65536], back[65536];
    FILE *f = fopen("/work/big.bin", "w");
    CHECK(f != NULL);
    for (int b = 0; f && b < mib * 16; b++) {
        for (int i = 0; i < (int) sizeof block; i++) block[i] = (unsigned char) (b * 31 + i);
        CHECK(fwrite(block, 1, sizeof block, f) == sizeof block);
    }
    CHECK(f && fclose(f) == 0);
    f = fopen("/work/big.bin", "r");
    CHECK(f != NULL);
    for (int b = 0; f && b < mib * 16; b++) {
        for (int i = 0; i < (int) sizeof block; i++) block[i] = (unsigned char) (b * 31 + i);
        if (fread(back, 1, sizeof back, f) != sizeof back || memcmp(block, back, sizeof back) != 0) {
            CHECK(!"block read back differs");
            break;
        }
    }
    CHECK(f && fread(back, 1, 1, f) == 0 && feof(f));
    if (f) fclose(f);
    SECTION("bulk");
}

int main(int argc, char **argv) {
    const char *part = argc > 1 ? argv[1] : "";
    if (strcmp(part, "env") == 0) env(argc, argv);
    else if (strcmp(part, "stdio") == 0) stdio();
    else if (strcmp(part, "clocks") == 0) clocks();
    else if (strcmp(part, "files") == 0) files();
    else if (strcmp(part, "sandbox") == 0) sandbox();
    else if (strcmp(part, "bulk") == 0 && argc > 2) bulk(atoi(argv[2]));
    else if (strcmp(part, "exit") == 0 && argc > 2) { fflush(stdout); exit(atoi(argv[2])); }
    else { printf("unknown part %s\n", part); return 2; }
    return failures ? 1 : 0;
}
