package dev.basalt.bench;

import java.util.Set;

/**
 * Plain-Java ports of the small scalar workloads (the C sources in {@code src/main/c}, statement for statement, with
 * C's unsigned arithmetic spelled out): what HotSpot makes of the same algorithm written in Java, on Java arrays.
 * {@link SameJvmAB}'s {@code java} build runs them beside Basalt's builds and Endive in one JVM, so a Basalt/Java
 * ratio shows how far a workload's generated code is from the JVM's own floor for that algorithm, the part of a gap
 * to native code or to a target that the compiler cannot close by emitting better bytecode. Each port returns the
 * workload's checksum, which the harness compares with the Wasm build's expected result.
 */
final class JavaPorts {
    /** The workloads ported. */
    static final Set<String> NAMES = Set.of("fib", "hash", "mandel", "matmul", "sieve", "sort");

    private JavaPorts() {
    }

    /** Runs {@code workload}'s port once and returns its checksum. */
    static long run(String workload) {
        return switch (workload) {
            case "fib" -> fib(32);
            case "hash" -> hash();
            case "mandel" -> mandel();
            case "matmul" -> matmul();
            case "sieve" -> sieve();
            case "sort" -> sort();
            default -> throw new IllegalArgumentException("no Java port of " + workload + " (ports: " + NAMES + ")");
        };
    }

    private static int fib(int n) {
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
    }

    private static final int HASH_LEN = 1 << 20;

    private static long hash() {
        byte[] buf = new byte[HASH_LEN];
        int[] crcTable = new int[256];
        long x = 88172645463325252L;
        for (int i = 0; i < HASH_LEN; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            buf[i] = (byte) x;
        }
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
            }
            crcTable[n] = c;
        }
        long fnv = 1469598103934665603L;
        int crc = 0xFFFFFFFF;
        for (int rep = 0; rep < 4; rep++) {
            for (int i = 0; i < HASH_LEN; i++) {
                fnv = (fnv ^ (buf[i] & 0xFF)) * 1099511628211L;
                crc = crcTable[(crc ^ buf[i]) & 0xFF] ^ (crc >>> 8);
            }
        }
        return fnv ^ ((crc & 0xFFFF_FFFFL) << 17);
    }

    private static long mandel() {
        final int w = 400;
        final int h = 300;
        final int maxIter = 200;
        long inside = 0;
        long iters = 0;
        for (int py = 0; py < h; py++) {
            for (int px = 0; px < w; px++) {
                double cx = -2.0 + 3.0 * px / w;
                double cy = -1.2 + 2.4 * py / h;
                double x = 0;
                double y = 0;
                int i = 0;
                while (i < maxIter && x * x + y * y <= 4.0) {
                    double t = x * x - y * y + cx;
                    y = 2 * x * y + cy;
                    x = t;
                    i++;
                }
                iters += i;
                if (i == maxIter) {
                    inside++;
                }
            }
        }
        return inside * 1000000 + iters;
    }

    private static final int MATMUL_N = 160;

    /** Row-major flat arrays, as C lays out {@code double a[N][N]}. */
    private static long matmul() {
        final int n = MATMUL_N;
        double[] a = new double[n * n];
        double[] b = new double[n * n];
        double[] c = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i * n + j] = (double) (i * n + j) / (n * n);
                b[i * n + j] = (double) (j * n + i) / (n * n) - 0.5;
                c[i * n + j] = 0.0;
            }
        }
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double aik = a[i * n + k];
                for (int j = 0; j < n; j++) {
                    c[i * n + j] += aik * b[k * n + j];
                }
            }
        }
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sum += c[i * n + j] * (double) ((i ^ j) & 7);
            }
        }
        return (long) (sum * 1000.0);
    }

    private static final int SIEVE_N = 4 * 1024 * 1024;

    private static long sieve() {
        byte[] flags = new byte[SIEVE_N];
        long total = 0;
        for (int rep = 0; rep < 4; rep++) {
            for (int i = 0; i < SIEVE_N; i++) {
                flags[i] = 1;
            }
            flags[0] = 0;
            flags[1] = 0;
            for (int i = 2; (long) i * i < SIEVE_N; i++) {
                if (flags[i] != 0) {
                    for (int j = i * i; j < SIEVE_N; j += i) {
                        flags[j] = 0;
                    }
                }
            }
            int count = 0;
            for (int i = 0; i < SIEVE_N; i++) {
                count += flags[i];
            }
            total += count;
        }
        return total;
    }

    private static final int SORT_N = 300000;

    private static long sort() {
        int[] data = new int[SORT_N];
        int s = 12345;
        for (int i = 0; i < SORT_N; i++) {
            s = s * 1103515245 + 12345;
            data[i] = (s >>> 1) - 0x20000000;
        }
        quicksort(data, 0, SORT_N - 1);
        long sum = 0;
        for (int i = 0; i < SORT_N; i++) {
            sum = sum * 31 + data[i];
        }
        for (int i = 1; i < SORT_N; i++) {
            if (data[i - 1] > data[i]) {
                return -1;
            }
        }
        return sum;
    }

    private static void quicksort(int[] v, int lo, int hi) {
        while (lo < hi) {
            int pivot = v[lo + (hi - lo) / 2];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (v[i] < pivot) {
                    i++;
                }
                while (v[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    int t = v[i];
                    v[i] = v[j];
                    v[j] = t;
                    i++;
                    j--;
                }
            }
            if (j - lo < hi - i) {
                quicksort(v, lo, j);
                lo = i;
            } else {
                quicksort(v, i, hi);
                hi = j;
            }
        }
    }
}
