// Sorting: quicksort of pseudo-random 32-bit integers, then a checksum of the sorted order.
#define N 300000
static int data[N];
static void quicksort(int *v, int lo, int hi) {
    while (lo < hi) {
        int pivot = v[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) { int t = v[i]; v[i] = v[j]; v[j] = t; i++; j--; }
        }
        if (j - lo < hi - i) { quicksort(v, lo, j); lo = i; }
        else { quicksort(v, i, hi); hi = j; }
    }
}
__attribute__((export_name("run"))) long long run(void) {
    unsigned int s = 12345;
    for (int i = 0; i < N; i++) { s = s * 1103515245u + 12345u; data[i] = (int)(s >> 1) - 0x20000000; }
    quicksort(data, 0, N - 1);
    long long sum = 0;
    for (int i = 0; i < N; i++) sum = sum * 31 + data[i];
    for (int i = 1; i < N; i++) if (data[i - 1] > data[i]) return -1;
    return sum;
}
