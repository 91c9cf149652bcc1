// Floating point, branchy inner loop: Mandelbrot set membership count.
__attribute__((export_name("run"))) long long run(void) {
    const int w = 400, h = 300, maxIter = 200;
    long long inside = 0, iters = 0;
    for (int py = 0; py < h; py++)
        for (int px = 0; px < w; px++) {
            double cx = -2.0 + 3.0 * px / w, cy = -1.2 + 2.4 * py / h;
            double x = 0, y = 0;
            int i = 0;
            while (i < maxIter && x * x + y * y <= 4.0) { double t = x * x - y * y + cx; y = 2 * x * y + cy; x = t; i++; }
            iters += i;
            if (i == maxIter) inside++;
        }
    return inside * 1000000 + iters;
}
