/* A Spin Redis-trigger component in plain C (hand-written canonical-ABI glue): it exports
   fermyon:spin/inbound-redis#handle-message and records every message in the key-value store `default`, so a test
   can see what arrived. Built by ../../../build-test-kv.sh.
     - key "last" is set to the message, key "count" to the number of messages so far (decimal);
     - key "msg:<message>" is set to "seen" (so concurrent deliveries can all be checked);
     - the message "fail" answers err(error) (after recording it), "trap" traps (unreachable). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT(m, n) __attribute__((import_module(m), import_name(n))) extern
#define SKV "fermyon:spin/key-value@2.0.0"
IMPORT(SKV, "[static]store.open") void spin_open(const char *, int32_t, void *ret);
IMPORT(SKV, "[method]store.get") void spin_get(int32_t, const char *, int32_t, void *ret);
IMPORT(SKV, "[method]store.set") void spin_set(int32_t, const char *, int32_t, const void *, int32_t, void *ret);
IMPORT(SKV, "[resource-drop]store") void spin_drop(int32_t);

__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *old, size_t old_size, size_t align, size_t size) {
  (void)old_size;
  if (size == 0) return (void *)align;
  void *p = realloc(old, size); if (!p) abort(); return p;
}

typedef union { uint8_t b[32]; int32_t w[8]; int64_t d[4]; } ret_t;
static uint8_t result[2] __attribute__((aligned(4)));   /* result<_, error>: case, then the error enum */

__attribute__((export_name("fermyon:spin/inbound-redis#handle-message")))
void *handle_message(const char *msg, int32_t len) {
  ret_t r;
  result[0] = 1; result[1] = 1;                        /* err(error) unless all goes well */
  if (len == 4 && !memcmp(msg, "trap", 4)) __builtin_trap();
  spin_open("default", 7, &r);
  if (r.b[0]) return result;
  int32_t st = r.w[1];
  spin_set(st, "last", 4, msg, len, &r);
  char *key = malloc((size_t)len + 4);
  memcpy(key, "msg:", 4); memcpy(key + 4, msg, (size_t)len);
  spin_set(st, key, len + 4, "seen", 4, &r);
  spin_get(st, "count", 5, &r);
  long n = 0;
  if (!r.b[0] && r.b[4]) { const char *p = (const char *)(intptr_t)r.w[2]; for (int i = 0; i < r.w[3]; i++) n = n * 10 + (p[i] - '0'); }
  n++;
  char num[24]; int k = 0; char tmp[24]; long v = n;
  do { tmp[k++] = (char)('0' + v % 10); v /= 10; } while (v);
  for (int i = 0; i < k; i++) num[i] = tmp[k - 1 - i];
  spin_set(st, "count", 5, num, k, &r);
  spin_drop(st);
  if (len == 4 && !memcmp(msg, "fail", 4)) return result;
  result[0] = 0;
  return result;
}
