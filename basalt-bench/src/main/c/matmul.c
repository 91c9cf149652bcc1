// Floating point: dense double matrix multiply.
#define N 160
static double a[N][N], b[N][N], c[N][N];
__attribute__((export_name("run"))) long long run(void) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i][j] = (double)(i * N + j) / (N * N);
            b[i][j] = (double)(j * N + i) / (N * N) - 0.5;
            c[i][j] = 0.0;
        }
    for (int i = 0; i < N; i++)
        for (int k = 0; k < N; k++) {
            double aik = a[i][k];
            for (int j = 0; j < N; j++) c[i][j] += aik * b[k][j];
        }
    double sum = 0.0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) sum += c[i][j] * (double)((i ^ j) & 7);
    return (long long)(sum * 1000.0);
}
