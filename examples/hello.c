// The README's first example: a wasm32-wasi command. Built by examples/build.sh; hello.wasm is committed.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(int argc, char **argv) {
    const char *who = argc > 1 ? argv[1] : "world";
    printf("Hello, %s, from WebAssembly on the JVM!\n", who);
    printf("fib(25) = %llu, computed in Wasm\n", fib(25));
    const char *lang = getenv("LANG");
    printf("LANG is %s (the guest sees only the environment it is given)\n", lang ? lang : "not set");
    return strcmp(who, "fail") == 0 ? 7 : 0;
}
