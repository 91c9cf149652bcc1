/* A wasi-threads program in C without libc (Debian's wasi-libc has no pthreads): each thread runs on its own
 * stack (set up by wasi_thread_start.s, as wasi-libc does), sums a slice of an array and adds its sum to a
 * shared total under a futex-style lock built on memory.atomic.wait32/notify; main waits for all and prints. */
#include <stdint.h>

#define IMPORT(m, n) __attribute__((import_module(m), import_name(n)))
IMPORT("wasi", "thread-spawn") int32_t thread_spawn(void *arg);
IMPORT("wasi_snapshot_preview1", "fd_write") int32_t fd_write(int32_t fd, const void *iovs, int32_t n, int32_t *written);

#define THREADS 6
#define N 60000
#define STACK 16384

struct start { uint8_t *stack_top; int32_t index; };   /* stack_top first: wasi_thread_start.s reads it */

static int32_t data[N];
static struct start starts[THREADS];
static uint8_t stacks[THREADS][STACK] __attribute__((aligned(16)));
static int32_t lock;               /* 0 free, 1 taken */
static int64_t total;
static int32_t finished;

static void acquire(void) {
    while (__atomic_exchange_n(&lock, 1, __ATOMIC_SEQ_CST) != 0) {
        __builtin_wasm_memory_atomic_wait32(&lock, 1, -1);
    }
}

static void release(void) {
    __atomic_store_n(&lock, 0, __ATOMIC_SEQ_CST);
    __builtin_wasm_memory_atomic_notify(&lock, 1);
}

/* Called by wasi_thread_start once the thread's stack pointer is set: uses the stack for a local array. */
void __wasi_thread_start_C(int32_t tid, struct start *s) {
    volatile int32_t partial[16];     /* on this thread's own stack */
    for (int k = 0; k < 16; k++) partial[k] = 0;
    int32_t per = N / THREADS;
    for (int32_t i = s->index * per; i < (s->index + 1) * per; i++) partial[i & 15] += data[i];
    int64_t sum = 0;
    for (int k = 0; k < 16; k++) sum += partial[k];
    acquire();
    total += sum;                      /* a plain read-modify-write, correct only under the lock */
    release();
    __atomic_fetch_add(&finished, 1, __ATOMIC_SEQ_CST);
    __builtin_wasm_memory_atomic_notify(&finished, 1);
}

static void print_u64(uint64_t v) {
    char buf[24]; int p = 23;
    buf[p] = '\n';
    do { buf[--p] = (char)('0' + v % 10); v /= 10; } while (v);
    struct { const void *base; int32_t len; } iov = { buf + p, 24 - p };
    int32_t written;
    fd_write(1, &iov, 1, &written);
}

__attribute__((export_name("_start"))) void start(void) {
    for (int32_t i = 0; i < N; i++) data[i] = i % 1000;
    for (int32_t t = 0; t < THREADS; t++) {
        starts[t].stack_top = stacks[t] + STACK;
        starts[t].index = t;
        if (thread_spawn(&starts[t]) <= 0) return;
    }
    int32_t f;
    while ((f = __atomic_load_n(&finished, __ATOMIC_SEQ_CST)) < THREADS) {
        __builtin_wasm_memory_atomic_wait32(&finished, f, -1);
    }
    print_u64((uint64_t)total);
}
