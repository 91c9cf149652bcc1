/* A wasi:http/incoming-handler@0.2.12 in plain C (hand-written canonical-ABI glue, as basalt-wasi's
   src/test/c/http/handler.c) that exercises basalt-spin's host interfaces, for its tests. Built by
   ../../../build-test-kv.sh. The path says what to do; values travel as request and response bodies:
     /spin/LABEL/get/KEY      fermyon:spin/key-value: 200 value, 404 "none"
     /spin/LABEL/set/KEY      sets KEY to the request body ("ok")
     /spin/LABEL/delete/KEY   "ok";  /spin/LABEL/exists/KEY "true"/"false";  /spin/LABEL/keys  one key per line
     /spin-open/LABEL/N       opens LABEL N times without dropping: "opened N" or the first error
     /wasi/LABEL/get|set|delete|exists/KEY, /wasi/LABEL/keys   the same with wasi:keyvalue/store (keys: every page,
                              then "pages=P")
     /wasi/LABEL/incr/KEY     atomics.increment by the request body (decimal): the new value
     /wasi/LABEL/cas/KEY      cas.new + swap with the request body: "swapped"
     /wasi/LABEL/cas-race/KEY cas.new, then bucket.set KEY "intruder", then swap: "cas-failed current=<value>"
     /wasi/LABEL/getmany/K1,K2  batch.get-many: "K=V" or "K absent" per line
     /wasi/LABEL/setmany      batch.set-many of the body's lines "K=V";  /wasi/LABEL/delmany/K1,K2
     /var/NAME                fermyon:spin/variables.get: the value, or 500 "error: CASE: message"
     /config/NAME             wasi:config/store.get: the value, or 404 "none";  /config-all  "K=V" lines
     /sql/DB                  fermyon:spin/sqlite: the body's first line is a statement, each further line a
                              parameter (i:INT, r:REAL, t:TEXT, x:HEX blob, n); the answer is the columns joined by
                              "|", then a line per row ("i:1|r:2500e-3|t:x|x:00ff|n": reals in thousandths)
     /sql-open/DB/N           opens DB N times without dropping: "opened N" or the first error
     /redis/OP                fermyon:spin/redis: the body's first line is the address, the further lines the
                              arguments: publish CHANNEL MSG | get KEY | set KEY VALUE | incr KEY | del KEY... |
                              sadd KEY V... | srem KEY V... | smembers KEY | execute CMD ARG... (ARG i:N is an int64)
     /redis-open/N            opens the body's address N times without dropping
   Any error of a key-value operation answers 500 "error: CASE[: message]". The path is the request's
   spin-path-info header where there is one (behind basalt serve's route /prefix/... it is the part below the
   prefix), else its path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT(m, n) __attribute__((import_module(m), import_name(n))) extern
#define HTTP "wasi:http/types@0.2.12"
#define IO "wasi:io/streams@0.2.12"
#define SKV "fermyon:spin/key-value@2.0.0"
#define SVAR "fermyon:spin/variables@2.0.0"
#define WKV "wasi:keyvalue/store@0.2.0-draft2"
#define WAT "wasi:keyvalue/atomics@0.2.0-draft2"
#define WBA "wasi:keyvalue/batch@0.2.0-draft2"
#define WCF "wasi:config/store@0.2.0-draft-2024-09-27"
IMPORT(HTTP, "[constructor]fields") int32_t fields_new(void);
IMPORT(HTTP, "[method]fields.append") void fields_append(int32_t, const char *, int32_t, const void *, int32_t, void *ret);
IMPORT(HTTP, "[method]incoming-request.path-with-query") void req_path(int32_t, void *ret);
IMPORT(HTTP, "[method]incoming-request.headers") int32_t req_headers(int32_t);
IMPORT(HTTP, "[method]fields.get") void fields_get(int32_t, const char *, int32_t, void *ret);
IMPORT(HTTP, "[resource-drop]fields") void fields_drop(int32_t);
IMPORT(HTTP, "[method]incoming-request.consume") void req_consume(int32_t, void *ret);
IMPORT(HTTP, "[method]incoming-body.stream") void body_stream(int32_t, void *ret);
IMPORT(HTTP, "[resource-drop]incoming-body") void incoming_body_drop(int32_t);
IMPORT(HTTP, "[resource-drop]incoming-request") void incoming_request_drop(int32_t);
IMPORT(HTTP, "[constructor]outgoing-response") int32_t resp_new(int32_t headers);
IMPORT(HTTP, "[method]outgoing-response.set-status-code") int32_t resp_set_status(int32_t, int32_t);
IMPORT(HTTP, "[method]outgoing-response.body") void resp_body(int32_t, void *ret);
IMPORT(HTTP, "[method]outgoing-body.write") void out_body_write(int32_t, void *ret);
IMPORT(HTTP, "[static]outgoing-body.finish") void out_body_finish(int32_t, int32_t, int32_t, void *ret);
IMPORT(HTTP, "[static]response-outparam.set") void outparam_set(int32_t, int32_t, int32_t, int32_t, int64_t, int32_t, int32_t, int32_t, int32_t);
IMPORT(IO, "[method]input-stream.blocking-read") void in_read(int32_t, int64_t, void *ret);
IMPORT(IO, "[resource-drop]input-stream") void in_drop(int32_t);
IMPORT(IO, "[method]output-stream.blocking-write-and-flush") void out_write(int32_t, const void *, int32_t, void *ret);
IMPORT(IO, "[resource-drop]output-stream") void out_drop(int32_t);

IMPORT(SKV, "[static]store.open") void spin_open(const char *, int32_t, void *ret);
IMPORT(SKV, "[method]store.get") void spin_get(int32_t, const char *, int32_t, void *ret);
IMPORT(SKV, "[method]store.set") void spin_set(int32_t, const char *, int32_t, const void *, int32_t, void *ret);
IMPORT(SKV, "[method]store.delete") void spin_delete(int32_t, const char *, int32_t, void *ret);
IMPORT(SKV, "[method]store.exists") void spin_exists(int32_t, const char *, int32_t, void *ret);
IMPORT(SKV, "[method]store.get-keys") void spin_keys(int32_t, void *ret);
IMPORT(SKV, "[resource-drop]store") void spin_drop(int32_t);
IMPORT(SVAR, "get") void var_get(const char *, int32_t, void *ret);
IMPORT(WKV, "open") void wkv_open(const char *, int32_t, void *ret);
IMPORT(WKV, "[method]bucket.get") void wkv_get(int32_t, const char *, int32_t, void *ret);
IMPORT(WKV, "[method]bucket.set") void wkv_set(int32_t, const char *, int32_t, const void *, int32_t, void *ret);
IMPORT(WKV, "[method]bucket.delete") void wkv_delete(int32_t, const char *, int32_t, void *ret);
IMPORT(WKV, "[method]bucket.exists") void wkv_exists(int32_t, const char *, int32_t, void *ret);
IMPORT(WKV, "[method]bucket.list-keys") void wkv_list(int32_t, int32_t, const char *, int32_t, void *ret);
IMPORT(WKV, "[resource-drop]bucket") void wkv_drop(int32_t);
IMPORT(WAT, "increment") void wat_incr(int32_t, const char *, int32_t, int64_t, void *ret);
IMPORT(WAT, "[static]cas.new") void wat_cas_new(int32_t, const char *, int32_t, void *ret);
IMPORT(WAT, "[method]cas.current") void wat_cas_current(int32_t, void *ret);
IMPORT(WAT, "swap") void wat_swap(int32_t, const void *, int32_t, void *ret);
IMPORT(WAT, "[resource-drop]cas") void wat_cas_drop(int32_t);
IMPORT(WBA, "get-many") void wba_get_many(int32_t, const void *, int32_t, void *ret);
IMPORT(WBA, "set-many") void wba_set_many(int32_t, const void *, int32_t, void *ret);
IMPORT(WBA, "delete-many") void wba_delete_many(int32_t, const void *, int32_t, void *ret);
#define SQL "fermyon:spin/sqlite@2.0.0"
#define RDS "fermyon:spin/redis@2.0.0"
IMPORT(SQL, "[static]connection.open") void sql_open(const char *, int32_t, void *ret);
IMPORT(SQL, "[method]connection.execute") void sql_execute(int32_t, const char *, int32_t, const void *, int32_t, void *ret);
IMPORT(SQL, "[resource-drop]connection") void sql_drop(int32_t);
IMPORT(RDS, "[static]connection.open") void rds_open(const char *, int32_t, void *ret);
IMPORT(RDS, "[method]connection.publish") void rds_publish(int32_t, const char *, int32_t, const void *, int32_t, void *ret);
IMPORT(RDS, "[method]connection.get") void rds_get(int32_t, const char *, int32_t, void *ret);
IMPORT(RDS, "[method]connection.set") void rds_set(int32_t, const char *, int32_t, const void *, int32_t, void *ret);
IMPORT(RDS, "[method]connection.incr") void rds_incr(int32_t, const char *, int32_t, void *ret);
IMPORT(RDS, "[method]connection.del") void rds_del(int32_t, const void *, int32_t, void *ret);
IMPORT(RDS, "[method]connection.sadd") void rds_sadd(int32_t, const char *, int32_t, const void *, int32_t, void *ret);
IMPORT(RDS, "[method]connection.smembers") void rds_smembers(int32_t, const char *, int32_t, void *ret);
IMPORT(RDS, "[method]connection.srem") void rds_srem(int32_t, const char *, int32_t, const void *, int32_t, void *ret);
IMPORT(RDS, "[method]connection.execute") void rds_execute(int32_t, const char *, int32_t, const void *, int32_t, void *ret);
IMPORT(RDS, "[resource-drop]connection") void rds_drop(int32_t);
IMPORT(WCF, "get") void cfg_get(const char *, int32_t, void *ret);
IMPORT(WCF, "get-all") void cfg_get_all(void *ret);

__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *old, size_t old_size, size_t align, size_t size) {
  (void)old_size;
  if (size == 0) return (void *)align;
  void *p = realloc(old, size); if (!p) abort(); return p;
}

typedef union { uint8_t b[64]; int32_t w[16]; int64_t d[8]; } ret_t;
#define U8(r, off) ((r).b[off])
#define I32(r, off) (*(int32_t *)((r).b + (off)))
#define I64(r, off) (*(int64_t *)((r).b + (off)))
#define PTR(r, off) ((char *)(intptr_t)I32(r, off))

typedef struct { char *p; size_t len, cap; } buf_t;
static void put(buf_t *b, const void *p, size_t n) {
  if (b->len + n + 1 > b->cap) { b->cap = (b->len + n) * 2 + 64; b->p = realloc(b->p, b->cap); }
  memcpy(b->p + b->len, p, n); b->len += n; b->p[b->len] = 0;
}
static void puts_(buf_t *b, const char *s) { put(b, s, strlen(s)); }
static void put_i64(buf_t *b, int64_t v) {
  char tmp[24]; int n = 0; uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
  do { tmp[n++] = (char)('0' + u % 10); u /= 10; } while (u);
  if (v < 0) tmp[n++] = '-';
  while (n) put(b, &tmp[--n], 1);
}
static int64_t parse_i64(const char *s, size_t len) {
  int neg = 0; size_t i = 0; int64_t v = 0;
  if (i < len && s[i] == '-') { neg = 1; i++; }
  for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) v = v * 10 + (s[i] - '0');
  return neg ? -v : v;
}

static void read_all(int32_t body, buf_t *out) {
  ret_t r;
  body_stream(body, &r);
  if (U8(r, 0) != 0) return;
  int32_t in = I32(r, 4);
  for (;;) {
    in_read(in, 4096, &r);
    if (U8(r, 0) != 0) break;
    put(out, PTR(r, 4), I32(r, 8)); free(PTR(r, 4));
  }
  in_drop(in);
}

static void respond(int32_t out_param, int status, const char *body, size_t len) {
  ret_t r;
  int32_t h = fields_new();
  fields_append(h, "content-type", 12, "text/plain", 10, &r);
  int32_t resp = resp_new(h);
  resp_set_status(resp, status);
  resp_body(resp, &r);
  int32_t obody = I32(r, 4);
  outparam_set(out_param, 0, resp, 0, 0, 0, 0, 0, 0);
  out_body_write(obody, &r);
  int32_t out = I32(r, 4);
  for (size_t off = 0; off < len; off += 4096) {
    size_t n = len - off < 4096 ? len - off : 4096;
    out_write(out, body + off, (int32_t)n, &r);
  }
  out_drop(out);
  out_body_finish(obody, 0, 0, &r);
}
static void respond_buf(int32_t out_param, int status, buf_t *b) { respond(out_param, status, b->p ? b->p : "", b->len); }

static const char *SPIN_ERRORS[] = {"store-table-full", "no-such-store", "access-denied", "other"};
static const char *WASI_ERRORS[] = {"no-such-store", "access-denied", "other"};
static const char *VAR_ERRORS[] = {"invalid-name", "undefined", "provider", "other"};
static const char *CFG_ERRORS[] = {"upstream", "io"};

/* an error variant at `off` in r: case byte, then (for the cases with a string) ptr, len 4 and 8 bytes later */
static void error_text(buf_t *b, ret_t *r, int off, const char **names, int with_string_from) {
  int c = r->b[off];
  puts_(b, "error: "); puts_(b, names[c]);
  if (c >= with_string_from) { puts_(b, ": "); put(b, (char *)(intptr_t)I32(*r, off + 4), I32(*r, off + 8)); }
}

typedef struct { const char *p; size_t len; } str_t;
static str_t seg(const char **cursor) {          /* the next path segment */
  const char *s = *cursor; const char *e = strchr(s, '/');
  str_t out = { s, e ? (size_t)(e - s) : strlen(s) };
  *cursor = e ? e + 1 : s + strlen(s);
  return out;
}

/* splits "a,b,c" into a list<string> in memory */
static int32_t *split_list(str_t s, int *count) {
  int32_t *l = malloc(8 * (s.len + 1)); int n = 0; size_t start = 0;
  for (size_t i = 0; i <= s.len; i++) {
    if (i == s.len || s.p[i] == ',') { l[2 * n] = (int32_t)(intptr_t)(s.p + start); l[2 * n + 1] = (int32_t)(i - start); n++; start = i + 1; }
  }
  *count = n; return l;
}

static void do_spin(int32_t out, const char *rest, buf_t *body) {
  ret_t r; buf_t o = {0};
  str_t label = seg(&rest), op = seg(&rest), key = { rest, strlen(rest) };
  char *l = strndup(label.p, label.len);
  spin_open(l, (int32_t)label.len, &r);
  if (U8(r, 0)) { error_text(&o, &r, 4, SPIN_ERRORS, 3); respond_buf(out, 500, &o); return; }
  int32_t st = I32(r, 4);
  int status = 200;
  if (!strncmp(op.p, "get", op.len) && op.len == 3) {
    spin_get(st, key.p, (int32_t)key.len, &r);
    if (U8(r, 0)) { error_text(&o, &r, 4, SPIN_ERRORS, 3); status = 500; }
    else if (U8(r, 4)) put(&o, PTR(r, 8), I32(r, 12));
    else { puts_(&o, "none"); status = 404; }
  } else if (!strncmp(op.p, "set", op.len) && op.len == 3) {
    spin_set(st, key.p, (int32_t)key.len, body->p, (int32_t)body->len, &r);
    if (U8(r, 0)) { error_text(&o, &r, 4, SPIN_ERRORS, 3); status = 500; } else puts_(&o, "ok");
  } else if (!strncmp(op.p, "delete", op.len) && op.len == 6) {
    spin_delete(st, key.p, (int32_t)key.len, &r);
    if (U8(r, 0)) { error_text(&o, &r, 4, SPIN_ERRORS, 3); status = 500; } else puts_(&o, "ok");
  } else if (!strncmp(op.p, "exists", op.len) && op.len == 6) {
    spin_exists(st, key.p, (int32_t)key.len, &r);
    if (U8(r, 0)) { error_text(&o, &r, 4, SPIN_ERRORS, 3); status = 500; } else puts_(&o, U8(r, 4) ? "true" : "false");
  } else if (!strncmp(op.p, "keys", op.len) && op.len == 4) {
    spin_keys(st, &r);
    if (U8(r, 0)) { error_text(&o, &r, 4, SPIN_ERRORS, 3); status = 500; }
    else for (int i = 0; i < I32(r, 8); i++) {
      int32_t *e = (int32_t *)(intptr_t)I32(r, 4) + 2 * i;
      put(&o, (char *)(intptr_t)e[0], e[1]); puts_(&o, "\n");
    }
  } else { puts_(&o, "unknown operation"); status = 400; }
  spin_drop(st);
  respond_buf(out, status, &o);
}

static void do_spin_open(int32_t out, const char *rest) {
  ret_t r; buf_t o = {0};
  str_t label = seg(&rest);
  int n = atoi(rest), i;
  for (i = 0; i < n; i++) {
    spin_open(label.p, (int32_t)label.len, &r);
    if (U8(r, 0)) { error_text(&o, &r, 4, SPIN_ERRORS, 3); puts_(&o, " after "); put_i64(&o, i); respond_buf(out, 500, &o); return; }
  }
  puts_(&o, "opened "); put_i64(&o, n);
  respond_buf(out, 200, &o);
}

static void do_wasi(int32_t out, const char *rest, buf_t *body) {
  ret_t r; buf_t o = {0};
  str_t label = seg(&rest), op = seg(&rest), key = { rest, strlen(rest) };
  wkv_open(label.p, (int32_t)label.len, &r);
  if (U8(r, 0)) { error_text(&o, &r, 4, WASI_ERRORS, 2); respond_buf(out, 500, &o); return; }
  int32_t b = I32(r, 4);
  int status = 200;
#define OP(name) (op.len == strlen(name) && !strncmp(op.p, name, op.len))
#define FAIL(off) { error_text(&o, &r, off, WASI_ERRORS, 2); status = 500; }
  if (OP("get")) {
    wkv_get(b, key.p, (int32_t)key.len, &r);
    if (U8(r, 0)) FAIL(4) else if (U8(r, 4)) put(&o, PTR(r, 8), I32(r, 12)); else { puts_(&o, "none"); status = 404; }
  } else if (OP("set")) {
    wkv_set(b, key.p, (int32_t)key.len, body->p, (int32_t)body->len, &r);
    if (U8(r, 0)) FAIL(4) else puts_(&o, "ok");
  } else if (OP("delete")) {
    wkv_delete(b, key.p, (int32_t)key.len, &r);
    if (U8(r, 0)) FAIL(4) else puts_(&o, "ok");
  } else if (OP("exists")) {
    wkv_exists(b, key.p, (int32_t)key.len, &r);
    if (U8(r, 0)) FAIL(4) else puts_(&o, U8(r, 4) ? "true" : "false");
  } else if (OP("keys")) {
    int has = 0, pages = 0; const char *cp = 0; int32_t cl = 0;
    for (;;) {
      wkv_list(b, has, cp, cl, &r);
      if (U8(r, 0)) { FAIL(4) break; }
      pages++;
      for (int i = 0; i < I32(r, 8); i++) {
        int32_t *e = (int32_t *)(intptr_t)I32(r, 4) + 2 * i;
        put(&o, (char *)(intptr_t)e[0], e[1]); puts_(&o, "\n");
      }
      if (!U8(r, 12)) break;
      has = 1; cp = PTR(r, 16); cl = I32(r, 20);
    }
    if (status == 200) { puts_(&o, "pages="); put_i64(&o, pages); }
  } else if (OP("incr")) {
    wat_incr(b, key.p, (int32_t)key.len, parse_i64(body->p ? body->p : "", body->len), &r);
    if (U8(r, 0)) FAIL(8) else put_i64(&o, I64(r, 8));
  } else if (OP("cas") || OP("cas-race")) {
    wat_cas_new(b, key.p, (int32_t)key.len, &r);
    if (U8(r, 0)) FAIL(4) else {
      int32_t cas = I32(r, 4);
      if (OP("cas-race")) wkv_set(b, key.p, (int32_t)key.len, "intruder", 8, &r);
      wat_swap(cas, body->p, (int32_t)body->len, &r);    /* the cas handle moves */
      if (!U8(r, 0)) puts_(&o, "swapped");
      else if (U8(r, 4) == 0) FAIL(8)
      else {
        int32_t fresh = I32(r, 8);
        wat_cas_current(fresh, &r);
        puts_(&o, "cas-failed current=");
        if (!U8(r, 0) && U8(r, 4)) put(&o, PTR(r, 8), I32(r, 12)); else puts_(&o, "<none>");
        wat_cas_drop(fresh);
        status = 409;
      }
    }
  } else if (OP("getmany")) {
    int n; int32_t *keys = split_list(key, &n);
    wba_get_many(b, keys, n, &r);
    if (U8(r, 0)) FAIL(4) else for (int i = 0; i < I32(r, 8); i++) {
      uint8_t *e = (uint8_t *)(intptr_t)I32(r, 4) + 20 * i;
      int32_t *w = (int32_t *)(e + 4);
      if (e[0]) { put(&o, (char *)(intptr_t)w[0], w[1]); puts_(&o, "="); put(&o, (char *)(intptr_t)w[2], w[3]); }
      else { put(&o, (char *)(intptr_t)keys[2 * i], keys[2 * i + 1]); puts_(&o, " absent"); }
      puts_(&o, "\n");
    }
  } else if (OP("setmany")) {
    int32_t *pairs = malloc(16 * (body->len + 1)); int n = 0; size_t start = 0;
    for (size_t i = 0; i <= body->len; i++) {
      if (i == body->len || body->p[i] == '\n') {
        char *line = body->p + start; size_t len = i - start;
        char *eq = memchr(line, '=', len);
        if (eq) {
          pairs[4 * n] = (int32_t)(intptr_t)line; pairs[4 * n + 1] = (int32_t)(eq - line);
          pairs[4 * n + 2] = (int32_t)(intptr_t)(eq + 1); pairs[4 * n + 3] = (int32_t)(len - (eq - line) - 1); n++;
        }
        start = i + 1;
      }
    }
    wba_set_many(b, pairs, n, &r);
    if (U8(r, 0)) FAIL(4) else { puts_(&o, "set "); put_i64(&o, n); }
  } else if (OP("delmany")) {
    int n; int32_t *keys = split_list(key, &n);
    wba_delete_many(b, keys, n, &r);
    if (U8(r, 0)) FAIL(4) else puts_(&o, "ok");
  } else { puts_(&o, "unknown operation"); status = 400; }
  wkv_drop(b);
  respond_buf(out, status, &o);
}

static void do_var(int32_t out, const char *name) {
  ret_t r; buf_t o = {0};
  var_get(name, (int32_t)strlen(name), &r);
  if (U8(r, 0)) { error_text(&o, &r, 4, VAR_ERRORS, 0); respond_buf(out, 500, &o); return; }
  put(&o, PTR(r, 4), I32(r, 8));
  respond_buf(out, 200, &o);
}

static void do_config(int32_t out, const char *name) {
  ret_t r; buf_t o = {0};
  cfg_get(name, (int32_t)strlen(name), &r);
  if (U8(r, 0)) { error_text(&o, &r, 4, CFG_ERRORS, 0); respond_buf(out, 500, &o); return; }
  if (!U8(r, 4)) { puts_(&o, "none"); respond_buf(out, 404, &o); return; }
  put(&o, PTR(r, 8), I32(r, 12));
  respond_buf(out, 200, &o);
}

static void do_config_all(int32_t out) {
  ret_t r; buf_t o = {0};
  cfg_get_all(&r);
  if (U8(r, 0)) { error_text(&o, &r, 4, CFG_ERRORS, 0); respond_buf(out, 500, &o); return; }
  for (int i = 0; i < I32(r, 8); i++) {
    int32_t *e = (int32_t *)(intptr_t)I32(r, 4) + 4 * i;
    put(&o, (char *)(intptr_t)e[0], e[1]); puts_(&o, "="); put(&o, (char *)(intptr_t)e[2], e[3]); puts_(&o, "\n");
  }
  respond_buf(out, 200, &o);
}

static const char *SQL_ERRORS[] = {"no-such-database", "access-denied", "invalid-connection", "database-full", "io"};
static const char *RDS_ERRORS[] = {"invalid-address", "too-many-connections", "type-error", "other"};

/* the body's lines (not copied: pointers into the body) */
static str_t *lines(buf_t *body, int *count) {
  str_t *l = malloc(sizeof(str_t) * (body->len + 1)); int n = 0; size_t start = 0;
  for (size_t i = 0; i <= body->len; i++) {
    if (i == body->len || body->p[i] == '\n') {
      if (i > start || i < body->len) { l[n].p = body->p + start; l[n].len = i - start; n++; }
      start = i + 1;
    }
  }
  *count = n; return l;
}
static int hexval(char c) { return c <= '9' ? c - '0' : (c | 32) - 'a' + 10; }
static void put_hex(buf_t *b, const uint8_t *p, size_t n) {
  static const char *H = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) { put(b, &H[p[i] >> 4], 1); put(b, &H[p[i] & 15], 1); }
}

static void do_sql(int32_t out, const char *rest, buf_t *body) {
  ret_t r; buf_t o = {0}; int n;
  str_t db = seg(&rest);
  str_t *l = lines(body, &n);
  if (n < 1) { respond(out, 400, "no statement", 12); return; }
  sql_open(db.p, (int32_t)db.len, &r);
  if (U8(r, 0)) { error_text(&o, &r, 4, SQL_ERRORS, 4); respond_buf(out, 500, &o); return; }
  int32_t conn = I32(r, 4);
  /* value: 16 bytes, tag at 0, payload at 8 */
  uint8_t *params = aligned_alloc(8, 16 * (size_t)(n > 1 ? n - 1 : 1));
  for (int i = 1; i < n; i++) {
    uint8_t *v = params + 16 * (i - 1); const char *p = l[i].p + 2; size_t len = l[i].len >= 2 ? l[i].len - 2 : 0;
    switch (l[i].p[0]) {
      case 'i': v[0] = 0; *(int64_t *)(v + 8) = parse_i64(p, len); break;
      case 'r': { v[0] = 1; char *tmp = strndup(p, len); *(double *)(v + 8) = strtod(tmp, 0); break; }
      case 't': v[0] = 2; *(int32_t *)(v + 8) = (int32_t)(intptr_t)p; *(int32_t *)(v + 12) = (int32_t)len; break;
      case 'x': { v[0] = 3; uint8_t *bytes = malloc(len / 2 + 1);
        for (size_t k = 0; k + 1 < len; k += 2) bytes[k / 2] = (uint8_t)(hexval(p[k]) * 16 + hexval(p[k + 1]));
        *(int32_t *)(v + 8) = (int32_t)(intptr_t)bytes; *(int32_t *)(v + 12) = (int32_t)(len / 2); break; }
      default: v[0] = 4; break;
    }
  }
  sql_execute(conn, l[0].p, (int32_t)l[0].len, params, n - 1, &r);
  int status = 200;
  if (U8(r, 0)) { error_text(&o, &r, 4, SQL_ERRORS, 4); status = 500; }
  else {
    int32_t *cols = (int32_t *)(intptr_t)I32(r, 4); int ncols = I32(r, 8);
    for (int c = 0; c < ncols; c++) { if (c) puts_(&o, "|"); put(&o, (char *)(intptr_t)cols[2 * c], cols[2 * c + 1]); }
    puts_(&o, "\n");
    int32_t *rows = (int32_t *)(intptr_t)I32(r, 12); int nrows = I32(r, 16);
    for (int i = 0; i < nrows; i++) {
      uint8_t *vals = (uint8_t *)(intptr_t)rows[2 * i]; int nv = rows[2 * i + 1];
      for (int c = 0; c < nv; c++) {
        uint8_t *v = vals + 16 * c;
        if (c) puts_(&o, "|");
        switch (v[0]) {
          case 0: puts_(&o, "i:"); put_i64(&o, *(int64_t *)(v + 8)); break;
          case 1: puts_(&o, "r:"); put_i64(&o, (int64_t)(*(double *)(v + 8) * 1000)); puts_(&o, "e-3"); break;
          case 2: puts_(&o, "t:"); put(&o, (char *)(intptr_t)*(int32_t *)(v + 8), *(int32_t *)(v + 12)); break;
          case 3: puts_(&o, "x:"); put_hex(&o, (uint8_t *)(intptr_t)*(int32_t *)(v + 8), *(int32_t *)(v + 12)); break;
          default: puts_(&o, "n"); break;
        }
      }
      puts_(&o, "\n");
    }
  }
  sql_drop(conn);
  respond_buf(out, status, &o);
}

static void do_sql_open(int32_t out, const char *rest) {
  ret_t r; buf_t o = {0};
  str_t db = seg(&rest);
  int n = atoi(rest), i;
  for (i = 0; i < n; i++) {
    sql_open(db.p, (int32_t)db.len, &r);
    if (U8(r, 0)) { error_text(&o, &r, 4, SQL_ERRORS, 4); puts_(&o, " after "); put_i64(&o, i); respond_buf(out, 500, &o); return; }
  }
  puts_(&o, "opened "); put_i64(&o, n);
  respond_buf(out, 200, &o);
}

/* strings l[from..n) as a list<string> */
static int32_t *string_list(str_t *l, int from, int n) {
  int32_t *list = malloc(8 * (size_t)(n - from + 1));
  for (int i = from; i < n; i++) { list[2 * (i - from)] = (int32_t)(intptr_t)l[i].p; list[2 * (i - from) + 1] = (int32_t)l[i].len; }
  return list;
}

static void do_redis(int32_t out, const char *op_path, buf_t *body) {
  ret_t r; buf_t o = {0}; int n;
  str_t *l = lines(body, &n);
  if (n < 1) { respond(out, 400, "no address", 10); return; }
  rds_open(l[0].p, (int32_t)l[0].len, &r);
  if (U8(r, 0)) { error_text(&o, &r, 4, RDS_ERRORS, 3); respond_buf(out, 500, &o); return; }
  int32_t c = I32(r, 4);
  str_t op = { op_path, strlen(op_path) };
  int status = 200;
#define ROP(name) (op.len == strlen(name) && !strncmp(op.p, name, op.len))
#define RFAIL(off) { error_text(&o, &r, off, RDS_ERRORS, 3); status = 500; }
#define ARG(i) (i < n ? l[i].p : ""), (int32_t)(i < n ? l[i].len : 0)
  if (ROP("publish")) {
    rds_publish(c, ARG(1), ARG(2), &r);
    if (U8(r, 0)) RFAIL(4) else puts_(&o, "ok");
  } else if (ROP("get")) {
    rds_get(c, ARG(1), &r);
    if (U8(r, 0)) RFAIL(4) else if (U8(r, 4)) put(&o, PTR(r, 8), I32(r, 12)); else { puts_(&o, "none"); status = 404; }
  } else if (ROP("set")) {
    rds_set(c, ARG(1), ARG(2), &r);
    if (U8(r, 0)) RFAIL(4) else puts_(&o, "ok");
  } else if (ROP("incr")) {
    rds_incr(c, ARG(1), &r);
    if (U8(r, 0)) RFAIL(8) else put_i64(&o, I64(r, 8));
  } else if (ROP("del") || ROP("sadd") || ROP("srem")) {
    if (ROP("del")) rds_del(c, string_list(l, 1, n), n - 1, &r);
    else if (ROP("sadd")) rds_sadd(c, ARG(1), string_list(l, 2, n), n > 2 ? n - 2 : 0, &r);
    else rds_srem(c, ARG(1), string_list(l, 2, n), n > 2 ? n - 2 : 0, &r);
    if (U8(r, 0)) RFAIL(4) else put_i64(&o, (uint32_t)I32(r, 4));
  } else if (ROP("smembers")) {
    rds_smembers(c, ARG(1), &r);
    if (U8(r, 0)) RFAIL(4) else for (int i = 0; i < I32(r, 8); i++) {
      int32_t *e = (int32_t *)(intptr_t)I32(r, 4) + 2 * i;
      put(&o, (char *)(intptr_t)e[0], e[1]); puts_(&o, "\n");
    }
  } else if (ROP("execute")) {
    /* redis-parameter: 16 bytes, tag at 0 (0 int64, 1 binary), payload at 8 */
    uint8_t *args = aligned_alloc(8, 16 * (size_t)(n > 2 ? n - 2 : 1));
    for (int i = 2; i < n; i++) {
      uint8_t *a = args + 16 * (i - 2);
      if (l[i].len > 2 && !strncmp(l[i].p, "i:", 2)) { a[0] = 0; *(int64_t *)(a + 8) = parse_i64(l[i].p + 2, l[i].len - 2); }
      else { a[0] = 1; *(int32_t *)(a + 8) = (int32_t)(intptr_t)l[i].p; *(int32_t *)(a + 12) = (int32_t)l[i].len; }
    }
    rds_execute(c, ARG(1), args, n > 2 ? n - 2 : 0, &r);
    if (U8(r, 0)) RFAIL(4) else for (int i = 0; i < I32(r, 8); i++) {
      uint8_t *e = (uint8_t *)(intptr_t)I32(r, 4) + 16 * i;
      switch (e[0]) {
        case 0: puts_(&o, "nil"); break;
        case 1: puts_(&o, "status:"); put(&o, (char *)(intptr_t)*(int32_t *)(e + 8), *(int32_t *)(e + 12)); break;
        case 2: puts_(&o, "int:"); put_i64(&o, *(int64_t *)(e + 8)); break;
        default: puts_(&o, "bin:"); put(&o, (char *)(intptr_t)*(int32_t *)(e + 8), *(int32_t *)(e + 12)); break;
      }
      puts_(&o, "\n");
    }
  } else { puts_(&o, "unknown operation"); status = 400; }
  rds_drop(c);
  respond_buf(out, status, &o);
}

static void do_redis_open(int32_t out, const char *rest, buf_t *body) {
  ret_t r; buf_t o = {0};
  int n = atoi(rest), i;
  for (i = 0; i < n; i++) {
    rds_open(body->p ? body->p : "", (int32_t)body->len, &r);
    if (U8(r, 0)) { error_text(&o, &r, 4, RDS_ERRORS, 3); puts_(&o, " after "); put_i64(&o, i); respond_buf(out, 500, &o); return; }
  }
  puts_(&o, "opened "); put_i64(&o, n);
  respond_buf(out, 200, &o);
}

__attribute__((export_name("wasi:http/incoming-handler@0.2.12#handle")))
void handle(int32_t request, int32_t response_out) {
  ret_t r;
  buf_t path = {0}, body = {0};
  int32_t headers = req_headers(request);
  fields_get(headers, "spin-path-info", 14, &r);        /* list<list<u8>> */
  if (I32(r, 4) > 0) { int32_t *v = (int32_t *)(intptr_t)I32(r, 0); put(&path, (char *)(intptr_t)v[0], v[1]); }
  fields_drop(headers);
  if (!path.p) {
    req_path(request, &r);
    if (U8(r, 0)) { put(&path, PTR(r, 4), I32(r, 8)); free(PTR(r, 4)); }
  }
  put(&path, "", 0);
  req_consume(request, &r);
  if (U8(r, 0) == 0) { int32_t b = I32(r, 4); read_all(b, &body); incoming_body_drop(b); }
  incoming_request_drop(request);
  const char *p = path.p ? path.p : "";
  if (!strncmp(p, "/spin/", 6)) do_spin(response_out, p + 6, &body);
  else if (!strncmp(p, "/spin-open/", 11)) do_spin_open(response_out, p + 11);
  else if (!strncmp(p, "/wasi/", 6)) do_wasi(response_out, p + 6, &body);
  else if (!strncmp(p, "/var/", 5)) do_var(response_out, p + 5);
  else if (!strcmp(p, "/config-all")) do_config_all(response_out);
  else if (!strncmp(p, "/config/", 8)) do_config(response_out, p + 8);
  else if (!strncmp(p, "/sql/", 5)) do_sql(response_out, p + 5, &body);
  else if (!strncmp(p, "/sql-open/", 10)) do_sql_open(response_out, p + 10);
  else if (!strncmp(p, "/redis/", 7)) do_redis(response_out, p + 7, &body);
  else if (!strncmp(p, "/redis-open/", 12)) do_redis_open(response_out, p + 12, &body);
  else respond(response_out, 404, "no such operation", 17);
}
