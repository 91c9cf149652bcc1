/* A minimal Extism plug-in development kit for C, written for Basalt's tests: the imports of
 * `extism:host/env` (Extism 1.x's kernel interface) and a few helpers. Pointers are offsets into the host's
 * kernel memory (i64), never into the plug-in's own linear memory; bytes move with load/store calls. */
#pragma once
#include <stdint.h>

#define EXTISM_IMPORT(n) __attribute__((import_module("extism:host/env"), import_name(n)))
#define EXTISM_EXPORT(n) __attribute__((export_name(n)))

typedef uint64_t ExtismPointer;

EXTISM_IMPORT("input_length") uint64_t extism_input_length(void);
EXTISM_IMPORT("input_load_u8") uint8_t extism_input_load_u8(uint64_t offset);
EXTISM_IMPORT("input_load_u64") uint64_t extism_input_load_u64(uint64_t offset);
EXTISM_IMPORT("alloc") ExtismPointer extism_alloc(uint64_t length);
EXTISM_IMPORT("free") void extism_free(ExtismPointer p);
EXTISM_IMPORT("length") uint64_t extism_length(ExtismPointer p);
EXTISM_IMPORT("store_u8") void extism_store_u8(ExtismPointer p, uint8_t v);
EXTISM_IMPORT("load_u8") uint8_t extism_load_u8(ExtismPointer p);
EXTISM_IMPORT("store_u64") void extism_store_u64(ExtismPointer p, uint64_t v);
EXTISM_IMPORT("load_u64") uint64_t extism_load_u64(ExtismPointer p);
EXTISM_IMPORT("output_set") void extism_output_set(ExtismPointer p, uint64_t length);
EXTISM_IMPORT("error_set") void extism_error_set(ExtismPointer p);
EXTISM_IMPORT("config_get") ExtismPointer extism_config_get(ExtismPointer key);
EXTISM_IMPORT("var_get") ExtismPointer extism_var_get(ExtismPointer key);
EXTISM_IMPORT("var_set") void extism_var_set(ExtismPointer key, ExtismPointer value);
EXTISM_IMPORT("http_request") ExtismPointer extism_http_request(ExtismPointer request, ExtismPointer body);
EXTISM_IMPORT("http_status_code") int32_t extism_http_status_code(void);
EXTISM_IMPORT("log_info") void extism_log_info(ExtismPointer message);
EXTISM_IMPORT("log_warn") void extism_log_warn(ExtismPointer message);
EXTISM_IMPORT("log_error") void extism_log_error(ExtismPointer message);
EXTISM_IMPORT("get_log_level") int32_t extism_get_log_level(void);

static uint64_t pdk_strlen(const char *s) {
    uint64_t n = 0;
    while (s[n]) n++;
    return n;
}

/* Copies len bytes at dst (plug-in memory) into a new kernel block. */
static ExtismPointer pdk_write(const void *src, uint64_t len) {
    ExtismPointer p = extism_alloc(len);
    if (p == 0) return 0;
    const uint8_t *b = src;
    uint64_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t v = 0;
        for (int k = 7; k >= 0; k--) v = (v << 8) | b[i + k];
        extism_store_u64(p + i, v);
    }
    for (; i < len; i++) extism_store_u8(p + i, b[i]);
    return p;
}

static ExtismPointer pdk_write_str(const char *s) { return pdk_write(s, pdk_strlen(s)); }

/* Copies a kernel block into dst (capacity cap); returns its length, or -1 if it does not fit. */
static int64_t pdk_read(ExtismPointer p, void *dst, uint64_t cap) {
    uint64_t len = extism_length(p);
    if (len > cap) return -1;
    uint8_t *b = dst;
    uint64_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t v = extism_load_u64(p + i);
        for (int k = 0; k < 8; k++) b[i + k] = (uint8_t)(v >> (8 * k));
    }
    for (; i < len; i++) b[i] = extism_load_u8(p + i);
    return (int64_t)len;
}

/* Copies the call's input into dst; returns its length, or -1 if it does not fit. */
static int64_t pdk_input(void *dst, uint64_t cap) {
    uint64_t len = extism_input_length();
    if (len > cap) return -1;
    uint8_t *b = dst;
    uint64_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t v = extism_input_load_u64(i);
        for (int k = 0; k < 8; k++) b[i + k] = (uint8_t)(v >> (8 * k));
    }
    for (; i < len; i++) b[i] = extism_input_load_u8(i);
    return (int64_t)len;
}

static void pdk_output(const void *src, uint64_t len) {
    ExtismPointer p = pdk_write(src, len);
    extism_output_set(p, len);
}

static int32_t pdk_error(const char *message) {
    extism_error_set(pdk_write_str(message));
    return 1;
}
