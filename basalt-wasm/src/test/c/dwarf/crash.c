/*
 * Backtrace fixture for DWARF source lines (build-test-dwarf.sh). "load" traps (out-of-bounds load) inside
 * element(), which is inlined into sum_from(), called from load(); "div" traps (integer divide by zero) in divide(),
 * called from div(). Line numbers are asserted by tests: edit with care.
 */
static inline __attribute__((always_inline)) int element(const int *values, int index) {
    return values[index];
}

__attribute__((noinline)) int sum_from(const int *values, int index) {
    int total = element(values, index);
    return total + 1;
}

__attribute__((noinline)) int divide(int a, int b) {
    return a / b;
}

__attribute__((export_name("load"))) int load(int index) {
    return sum_from((const int *)16, index) * 2;
}

__attribute__((export_name("div"))) int div(int a, int b) {
    return divide(a, b) + 3;
}

/* A command entry point, so `basalt run` can run the module: traps like div(1, 0) (divisor is 0, but the
   compiler cannot know it). */
int divisor, quotient;

__attribute__((export_name("_start"))) void start(void) {
    quotient = div(1, divisor);
}
