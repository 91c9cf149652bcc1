// Memory-bound: sieve of Eratosthenes over 4 MB of flags, repeated.
#define N (4 * 1024 * 1024)
static unsigned char flags[N];
__attribute__((export_name("run"))) long long run(void) {
    long long total = 0;
    for (int rep = 0; rep < 4; rep++) {
        for (int i = 0; i < N; i++) flags[i] = 1;
        flags[0] = flags[1] = 0;
        for (int i = 2; (long long)i * i < N; i++)
            if (flags[i])
                for (int j = i * i; j < N; j += i) flags[j] = 0;
        int count = 0;
        for (int i = 0; i < N; i++) count += flags[i];
        total += count;
    }
    return total;
}
