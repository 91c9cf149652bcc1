// Native harness for a workload (linked with one src/main/c/NAME.c): times run() in-process the way the JVM
// runners and the node runner do, so that "x native" compares like with like.
//   NAME                    prints run()'s result (what expected.properties records)
//   NAME WARMUP ITERATIONS  runs WARMUP untimed calls, then ITERATIONS timed ones, printing one line each:
//                           "result R", "first_run_ns T" (the first, untimed warm-up call), then "run_ns T"
//                           per measured call
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

long long run(void);

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        printf("%lld\n", run());
        return 0;
    }
    int warmup = atoi(argv[1]), iterations = atoi(argv[2]);
    long long t_first = now_ns();
    long long first = run();
    long long t_first_end = now_ns();
    printf("result %lld\n", first);
    printf("first_run_ns %lld\n", t_first_end - t_first);
    for (int i = 1; i < warmup; i++) {
        long long r = run();
        if (r != first) printf("result %lld\n", r);
    }
    for (int i = 0; i < iterations; i++) {
        long long t0 = now_ns();
        long long r = run();
        long long t1 = now_ns();
        if (r != first) printf("result %lld\n", r);
        printf("run_ns %lld\n", t1 - t0);
    }
    return 0;
}
