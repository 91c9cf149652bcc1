// Call-heavy: naive recursive Fibonacci.
static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
__attribute__((export_name("run"))) long long run(void) { return fib(32); }
