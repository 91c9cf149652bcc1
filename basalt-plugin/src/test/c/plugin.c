/* Basalt's Extism test plug-in: exercises input/output, config, variables, errors, traps, logging, HTTP,
 * user host functions and the kernel's allocator. Built by build.sh without libc. */
#include "extism_pdk.h"

#define BUF 65536

/* Without libc, clang still emits calls to these for copy loops. */
void *memcpy(void *dst, const void *src, unsigned long n) {
    uint8_t *d = dst; const uint8_t *s = src;
    while (n--) *d++ = *s++;
    return dst;
}
void *memset(void *dst, int c, unsigned long n) {
    uint8_t *d = dst;
    while (n--) *d++ = (uint8_t)c;
    return dst;
}
static uint8_t in[BUF];
static char out[BUF + 256];

static char *append(char *d, const char *s) { while (*s) *d++ = *s++; return d; }
static char *append_bytes(char *d, const uint8_t *s, int64_t n) { for (int64_t i = 0; i < n; i++) *d++ = (char)s[i]; return d; }
static char *append_u64(char *d, uint64_t v) {
    char tmp[24]; int n = 0;
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) *d++ = tmp[--n];
    return d;
}

/* Counts vowels of the input; keeps a running total across calls in the variable "total". Output as JSON, the
 * shape of Extism's own count_vowels example. */
EXTISM_EXPORT("count_vowels") int32_t count_vowels(void) {
    int64_t n = pdk_input(in, BUF);
    if (n < 0) return pdk_error("input too large");
    uint64_t count = 0;
    for (int64_t i = 0; i < n; i++) {
        switch (in[i]) {
            case 'a': case 'e': case 'i': case 'o': case 'u':
            case 'A': case 'E': case 'I': case 'O': case 'U': count++;
        }
    }
    ExtismPointer key = pdk_write_str("total");
    uint64_t total = 0;
    ExtismPointer old = extism_var_get(key);
    if (old != 0 && extism_length(old) == 8) total = extism_load_u64(old);
    total += count;
    ExtismPointer value = extism_alloc(8);
    extism_store_u64(value, total);
    extism_var_set(key, value);
    char *d = append(out, "{\"count\":");
    d = append_u64(d, count);
    d = append(d, ",\"total\":");
    d = append_u64(d, total);
    d = append(d, ",\"vowels\":\"aeiouAEIOU\"}");
    pdk_output(out, (uint64_t)(d - out));
    return 0;
}

/* "<config greeting or Hello>, <input>!" */
EXTISM_EXPORT("greet") int32_t greet(void) {
    int64_t n = pdk_input(in, BUF);
    if (n < 0) return pdk_error("input too large");
    char *d = out;
    ExtismPointer g = extism_config_get(pdk_write_str("greeting"));
    if (g != 0) {
        int64_t gl = pdk_read(g, out, 128);
        if (gl < 0) return pdk_error("greeting too long");
        d += gl;
    } else {
        d = append(d, "Hello");
    }
    d = append(d, ", ");
    d = append_bytes(d, in, n);
    d = append(d, "!");
    pdk_output(out, (uint64_t)(d - out));
    return 0;
}

/* Fails with an error message that names the input. */
EXTISM_EXPORT("fail") int32_t fail(void) {
    int64_t n = pdk_input(in, 1024);
    char *d = append(out, "refused: ");
    if (n > 0) d = append_bytes(d, in, n);
    *d = 0;
    return pdk_error(out);
}

/* Fails without setting an error message. */
EXTISM_EXPORT("fail_silently") int32_t fail_silently(void) { return 7; }

EXTISM_EXPORT("trap") int32_t trap(void) { __builtin_trap(); }

/* Never returns: for timeouts and cancellation. */
EXTISM_EXPORT("spin") int32_t spin(void) {
    volatile uint64_t i = 0;
    for (;;) i++;
}

/* Logs the input at info level and echoes the host's log level. */
EXTISM_EXPORT("log") int32_t log_input(void) {
    int64_t n = pdk_input(in, BUF);
    if (n < 0) return pdk_error("input too large");
    extism_log_info(pdk_write(in, (uint64_t)n));
    char *d = append(out, "level ");
    int32_t level = extism_get_log_level();
    if (level < 0) { *d++ = '-'; level = -level; }
    d = append_u64(d, (uint64_t)level);
    pdk_output(out, (uint64_t)(d - out));
    return 0;
}

/* GETs the URL given as input; outputs "<status> <body>". */
EXTISM_EXPORT("http_get") int32_t http_get(void) {
    int64_t n = pdk_input(in, 4096);
    if (n < 0) return pdk_error("url too long");
    char *d = append(out, "{\"url\":\"");
    d = append_bytes(d, in, n);
    d = append(d, "\",\"method\":\"GET\",\"headers\":{\"x-plugin\":\"basalt-test\"}}");
    ExtismPointer response = extism_http_request(pdk_write(out, (uint64_t)(d - out)), 0);
    int32_t status = extism_http_status_code();
    d = append_u64(out, (uint64_t)status);
    *d++ = ' ';
    if (response != 0) {
        int64_t bl = pdk_read(response, d, BUF);
        if (bl < 0) return pdk_error("response too large");
        d += bl;
    }
    pdk_output(out, (uint64_t)(d - out));
    return 0;
}

/* The host function extism:host/user reverse(ptr) -> ptr, applied to the input. */
__attribute__((import_module("extism:host/user"), import_name("reverse"))) ExtismPointer host_reverse(ExtismPointer p);

EXTISM_EXPORT("call_host") int32_t call_host(void) {
    int64_t n = pdk_input(in, BUF);
    if (n < 0) return pdk_error("input too large");
    ExtismPointer r = host_reverse(pdk_write(in, (uint64_t)n));
    int64_t rl = pdk_read(r, out, BUF);
    if (rl < 0) return pdk_error("result too large");
    pdk_output(out, (uint64_t)rl);
    return 0;
}

/* Allocates 1 MiB blocks until the kernel refuses; outputs how many it got. Frees them all again when the
 * input is "free", else leaves them to the end of the call. */
EXTISM_EXPORT("exhaust") int32_t exhaust(void) {
    int64_t n = pdk_input(in, 16);
    static ExtismPointer blocks[8192];
    uint64_t count = 0;
    while (count < 8192) {
        ExtismPointer p = extism_alloc(1 << 20);
        if (p == 0) break;
        blocks[count++] = p;
    }
    if (n == 4 && in[0] == 'f') {
        for (uint64_t i = 0; i < count; i++) extism_free(blocks[i]);
    }
    char *d = append_u64(out, count);
    pdk_output(out, (uint64_t)(d - out));
    return 0;
}

/* Reads kernel memory far outside anything allocated: the host must trap, not crash or leak. */
EXTISM_EXPORT("wild_load") int32_t wild_load(void) {
    uint64_t v = extism_load_u64((uint64_t)1 << 40);
    pdk_output(&v, 8);
    return 0;
}

/* Counts the calls since the instance started, in a global: shows when the host re-instantiates. */
static uint64_t calls;
EXTISM_EXPORT("calls") int32_t count_calls(void) {
    calls++;
    char *d = append_u64(out, calls);
    pdk_output(out, (uint64_t)(d - out));
    return 0;
}
