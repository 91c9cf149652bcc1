/*
 * The core module of the test component `values` (wit/values.wit): one export per kind of component value and a
 * resource, with the canonical ABI written by hand (no wit-bindgen), so the component exercises Basalt's lifting and
 * lowering of each type exactly as the spec lays them out. Built by build-components.sh with clang and jco.
 *
 * Conventions of the canonical ABI used below: arguments that do not fit in registers (strings, lists) arrive in
 * memory the host allocated with cabi_realloc and belong to the callee; results that flatten to more than one core
 * value are returned as a pointer to a static return area; cabi_post_* frees what a result allocated, after the
 * host has read it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define API "basalt:values/api@1.0.0"
#define EXPORT(name) __attribute__((export_name(API "#" name)))
#define POST(name) __attribute__((export_name("cabi_post_" API "#" name)))

__attribute__((import_module("basalt:values/host@1.0.0"), import_name("log")))
extern void host_log(const char *ptr, uint32_t len);

__attribute__((import_module("[export]" API), import_name("[resource-new]counter")))
extern int32_t counter_resource_new(int32_t rep);

__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *old, size_t old_size, size_t align, size_t new_size) {
    (void)old_size;
    if (new_size == 0) {
        return (void *)align;
    }
    void *p = realloc(old, new_size); /* malloc's alignment (16) covers every canonical ABI alignment */
    if (p == NULL) {
        abort();
    }
    return p;
}

/* One return area serves every function: the host reads it before the next call. */
static _Alignas(8) uint8_t ret_area[16];

EXPORT("negate") int32_t negate(int32_t b) { return !b; }

/* s8/s16 arrive sign-extended, u8/u16 zero-extended, u32 and u64 as raw bits. */
EXPORT("sum-ints")
int64_t sum_ints(int32_t a, int32_t b, int32_t c, int32_t d, int32_t e, uint32_t f, int64_t g, uint64_t h) {
    return (int64_t)a + b + c + d + e + (int64_t)f + g + (int64_t)h;
}

EXPORT("mul-floats") double mul_floats(float a, double b) { return (double)a * b; }

/* The next Unicode scalar value: skips the surrogate range and wraps after U+10FFFF. */
EXPORT("next-char") uint32_t next_char(uint32_t c) {
    uint32_t n = c + 1;
    if (n == 0xD800) {
        n = 0xE000;
    }
    return n > 0x10FFFF ? 0 : n;
}

EXPORT("greet") uint32_t *greet(char *name, uint32_t len) {
    static const char hello[] = "Hello, ";
    uint32_t n = (uint32_t)(sizeof hello - 1) + len + 1;
    char *out = malloc(n);
    memcpy(out, hello, sizeof hello - 1);
    memcpy(out + sizeof hello - 1, name, len);
    out[n - 1] = '!';
    free(name);
    host_log(out, n);
    uint32_t *r = (uint32_t *)ret_area;
    r[0] = (uint32_t)(uintptr_t)out;
    r[1] = n;
    return r;
}

POST("greet") void greet_post(uint32_t *r) { free((void *)(uintptr_t)r[0]); }

EXPORT("reverse") uint32_t *reverse(uint32_t *xs, uint32_t len) {
    for (uint32_t i = 0; i < len / 2; i++) {
        uint32_t t = xs[i];
        xs[i] = xs[len - 1 - i];
        xs[len - 1 - i] = t;
    }
    uint32_t *r = (uint32_t *)ret_area;
    r[0] = (uint32_t)(uintptr_t)xs; /* the argument's buffer becomes the result; post-return frees it */
    r[1] = len;
    return r;
}

POST("reverse") void reverse_post(uint32_t *r) { free((void *)(uintptr_t)r[0]); }

/* record point { x: s32, y: s32 }: two flat params in, two i32 in the return area out. */
EXPORT("swap") int32_t *swap(int32_t x, int32_t y) {
    int32_t *r = (int32_t *)ret_area;
    r[0] = y;
    r[1] = x;
    return r;
}

/*
 * variant shape { circle(f32), rect(point), nothing }: flat (discriminant, joined payload...). The payloads f32 and
 * (i32, i32) join to (i32, i32), so circle's radius arrives as the bits of an f32 in the first i32.
 */
EXPORT("area") double area(int32_t disc, int32_t p0, int32_t p1) {
    switch (disc) {
    case 0: {
        float radius;
        memcpy(&radius, &p0, sizeof radius);
        return 3.141592653589793 * (double)radius * (double)radius;
    }
    case 1:
        return (double)p0 * (double)p1;
    default:
        return 0.0;
    }
}

EXPORT("next-color") int32_t next_color(int32_t c) { return (c + 1) % 3; }

/* flags perms { read, write, exec }: bit 0 read, bit 1 write, bit 2 exec. */
EXPORT("toggle") int32_t toggle(int32_t p) { return p ^ 0x7; }

/* list<string> elements are (ptr, len) pairs; option<u32> in the return area: u8 discriminant, u32 at offset 4. */
EXPORT("find") uint8_t *find(uint32_t *xs, uint32_t len, char *needle, uint32_t needle_len) {
    uint8_t *r = ret_area;
    r[0] = 0;
    for (uint32_t i = 0; i < len; i++) {
        char *s = (char *)(uintptr_t)xs[2 * i];
        uint32_t n = xs[2 * i + 1];
        if (r[0] == 0 && n == needle_len && memcmp(s, needle, n) == 0) {
            r[0] = 1;
            *(uint32_t *)(r + 4) = i;
        }
        free(s);
    }
    free(xs);
    free(needle);
    return r;
}

/* result<s32, string> in the return area: u8 discriminant (0 ok, 1 err), payload at offset 4. */
EXPORT("checked-div") uint8_t *checked_div(int32_t a, int32_t b) {
    uint8_t *r = ret_area;
    const char *message = b == 0 ? "division by zero" : (a == INT32_MIN && b == -1) ? "overflow" : NULL;
    if (message == NULL) {
        r[0] = 0;
        *(int32_t *)(r + 4) = a / b;
    } else {
        uint32_t n = (uint32_t)strlen(message);
        char *copy = malloc(n);
        memcpy(copy, message, n);
        r[0] = 1;
        *(uint32_t *)(r + 4) = (uint32_t)(uintptr_t)copy;
        *(uint32_t *)(r + 8) = n;
    }
    return r;
}

POST("checked-div") void checked_div_post(uint8_t *r) {
    if (r[0] == 1) {
        free((void *)(uintptr_t) * (uint32_t *)(r + 4));
    }
}

/* tuple<u32, string> in: (u32, ptr, len); tuple<string, u32> out: string at 0, u32 at 8. */
EXPORT("flip") uint32_t *flip(uint32_t n, char *s, uint32_t len) {
    uint32_t *r = (uint32_t *)ret_area;
    r[0] = (uint32_t)(uintptr_t)s;
    r[1] = len;
    r[2] = n;
    return r;
}

POST("flip") void flip_post(uint32_t *r) { free((void *)(uintptr_t)r[0]); }

/*
 * resource counter: the representation is a pointer to a heap cell. Methods and borrows of our own resource
 * receive the representation itself (the canonical ABI passes the rep, not a handle, to the resource's
 * implementation); the destructor frees it.
 */
typedef struct {
    uint32_t value;
} counter;

EXPORT("[constructor]counter") int32_t counter_new(uint32_t start) {
    counter *c = malloc(sizeof *c);
    c->value = start;
    return counter_resource_new((int32_t)(uintptr_t)c);
}

EXPORT("[method]counter.add") uint32_t counter_add(counter *self, uint32_t n) {
    self->value += n;
    return self->value;
}

EXPORT("[method]counter.value") uint32_t counter_value(counter *self) { return self->value; }

EXPORT("[dtor]counter") void counter_dtor(counter *self) { free(self); }

EXPORT("total") uint32_t total(counter **counters, uint32_t len) {
    uint32_t sum = 0;
    for (uint32_t i = 0; i < len; i++) {
        sum += counters[i]->value;
    }
    free(counters);
    return sum;
}
