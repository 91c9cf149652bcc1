/* A wasi:http/incoming-handler@0.2.12 in plain C with hand-written canonical-ABI glue (no wit-bindgen on
   Debian), for basalt's wasi:http tests. Built by ../../../../build-test-http.sh. What it does depends on the path:
     /counter           "count=N": a global incremented per request (1 in every fresh instance)
     /trap              traps (unreachable) after reading the request
     /stream?N          N chunks "chunk i\n", each its own blocking-write-and-flush
     /fields            checks the header rules: x-immutable (append to the request's headers), x-forbidden
                        (append "connection"), x-invalid (append "bad name"), x-test (the request's x-test values)
     /trailers          reads the body and its trailers; answers "body=<body>" with the trailer
                        x-echo-checksum: <the request's x-checksum trailer, or "none">
     /error-code        sets the response-outparam to error-code internal-error("handler refused")
     /no-response       returns without setting a response
     /outbound/AUTHORITY/PATH
                        sends the request's method and body to http://AUTHORITY/PATH (with header x-from: basalt),
                        answers the upstream's status and "upstream: <body>", or 502 "error-code: <case>"
     anything else      200, x-echo-method: METHOD, body "METHOD path\n" + "name: value\n" per header + "body=" + body
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT(m, n) __attribute__((import_module(m), import_name(n))) extern
#define HTTP "wasi:http/types@0.2.12"
#define OUT "wasi:http/outgoing-handler@0.2.12"
#define IO "wasi:io/streams@0.2.12"
#define POLL "wasi:io/poll@0.2.12"
IMPORT(HTTP, "[constructor]fields") int32_t fields_new(void);
IMPORT(HTTP, "[method]fields.append") void fields_append(int32_t, const char *, int32_t, const void *, int32_t, void *ret);
IMPORT(HTTP, "[method]fields.entries") void fields_entries(int32_t, void *ret);
IMPORT(HTTP, "[method]fields.get") void fields_get(int32_t, const char *, int32_t, void *ret);
IMPORT(HTTP, "[resource-drop]fields") void fields_drop(int32_t);
IMPORT(HTTP, "[method]incoming-request.method") void req_method(int32_t, void *ret);
IMPORT(HTTP, "[method]incoming-request.path-with-query") void req_path(int32_t, void *ret);
IMPORT(HTTP, "[method]incoming-request.headers") int32_t req_headers(int32_t);
IMPORT(HTTP, "[method]incoming-request.consume") void req_consume(int32_t, void *ret);
IMPORT(HTTP, "[method]incoming-body.stream") void body_stream(int32_t, void *ret);
IMPORT(HTTP, "[resource-drop]incoming-body") void incoming_body_drop(int32_t);
IMPORT(HTTP, "[static]incoming-body.finish") int32_t incoming_body_finish(int32_t);
IMPORT(HTTP, "[method]future-trailers.get") void trailers_get(int32_t, void *ret);
IMPORT(HTTP, "[resource-drop]future-trailers") void trailers_drop(int32_t);
IMPORT(HTTP, "[resource-drop]incoming-request") void incoming_request_drop(int32_t);
IMPORT(HTTP, "[constructor]outgoing-response") int32_t resp_new(int32_t headers);
IMPORT(HTTP, "[method]outgoing-response.set-status-code") int32_t resp_set_status(int32_t, int32_t);
IMPORT(HTTP, "[method]outgoing-response.body") void resp_body(int32_t, void *ret);
IMPORT(HTTP, "[method]outgoing-body.write") void out_body_write(int32_t, void *ret);
IMPORT(HTTP, "[static]outgoing-body.finish") void out_body_finish(int32_t, int32_t, int32_t, void *ret);
IMPORT(HTTP, "[static]response-outparam.set") void outparam_set(int32_t, int32_t, int32_t, int32_t, int64_t, int32_t, int32_t, int32_t, int32_t);
IMPORT(HTTP, "[constructor]outgoing-request") int32_t oreq_new(int32_t headers);
IMPORT(HTTP, "[method]outgoing-request.set-method") int32_t oreq_set_method(int32_t, int32_t, const char *, int32_t);
IMPORT(HTTP, "[method]outgoing-request.set-scheme") int32_t oreq_set_scheme(int32_t, int32_t, int32_t, const char *, int32_t);
IMPORT(HTTP, "[method]outgoing-request.set-authority") int32_t oreq_set_authority(int32_t, int32_t, const char *, int32_t);
IMPORT(HTTP, "[method]outgoing-request.set-path-with-query") int32_t oreq_set_path(int32_t, int32_t, const char *, int32_t);
IMPORT(HTTP, "[method]outgoing-request.body") void oreq_body(int32_t, void *ret);
IMPORT(HTTP, "[method]future-incoming-response.subscribe") int32_t fut_subscribe(int32_t);
IMPORT(HTTP, "[method]future-incoming-response.get") void fut_get(int32_t, void *ret);
IMPORT(HTTP, "[resource-drop]future-incoming-response") void fut_drop(int32_t);
IMPORT(HTTP, "[method]incoming-response.status") int32_t iresp_status(int32_t);
IMPORT(HTTP, "[method]incoming-response.consume") void iresp_consume(int32_t, void *ret);
IMPORT(HTTP, "[resource-drop]incoming-response") void iresp_drop(int32_t);
IMPORT(OUT, "handle") void outgoing_handle(int32_t request, int32_t has_options, int32_t options, void *ret);
IMPORT(POLL, "[method]pollable.block") void pollable_block(int32_t);
IMPORT(POLL, "[resource-drop]pollable") void pollable_drop(int32_t);
IMPORT(IO, "[method]input-stream.blocking-read") void in_read(int32_t, int64_t, void *ret);
IMPORT(IO, "[resource-drop]input-stream") void in_drop(int32_t);
IMPORT(IO, "[method]output-stream.blocking-write-and-flush") void out_write(int32_t, const void *, int32_t, void *ret);
IMPORT(IO, "[resource-drop]output-stream") void out_drop(int32_t);

__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *old, size_t old_size, size_t align, size_t size) {
  (void)old_size;
  if (size == 0) return (void *)align;
  void *p = realloc(old, size); if (!p) abort(); return p;
}

/* a return area: 8-byte aligned, big enough for option<result<result<incoming-response, error-code>>> (24 + 40) */
typedef union { uint8_t b[64]; int32_t w[16]; int64_t d[8]; } ret_t;
#define U8(r, off) ((r).b[off])
#define I32(r, off) (*(int32_t *)((r).b + (off)))

static const char *METHODS[] = {"GET","HEAD","POST","PUT","DELETE","CONNECT","OPTIONS","TRACE","PATCH"};
static const char *ERROR_CODES[] = {"DNS-timeout","DNS-error","destination-not-found","destination-unavailable",
  "destination-IP-prohibited","destination-IP-unroutable","connection-refused","connection-terminated",
  "connection-timeout","connection-read-timeout","connection-write-timeout","connection-limit-reached",
  "TLS-protocol-error","TLS-certificate-error","TLS-alert-received","HTTP-request-denied",
  "HTTP-request-length-required","HTTP-request-body-size","HTTP-request-method-invalid","HTTP-request-URI-invalid",
  "HTTP-request-URI-too-long","HTTP-request-header-section-size","HTTP-request-header-size",
  "HTTP-request-trailer-section-size","HTTP-request-trailer-size","HTTP-response-incomplete",
  "HTTP-response-header-section-size","HTTP-response-header-size","HTTP-response-body-size",
  "HTTP-response-trailer-section-size","HTTP-response-trailer-size","HTTP-response-transfer-coding",
  "HTTP-response-content-coding","HTTP-response-timeout","HTTP-upgrade-failed","HTTP-protocol-error",
  "loop-detected","configuration-error","internal-error"};
static const char *HEADER_ERRORS[] = {"invalid-syntax", "forbidden", "immutable"};

typedef struct { char *p; size_t len, cap; } buf_t;
static void put(buf_t *b, const void *p, size_t n) {
  if (b->len + n > b->cap) { b->cap = (b->len + n) * 2 + 64; b->p = realloc(b->p, b->cap); }
  memcpy(b->p + b->len, p, n); b->len += n;
}
static void puts_(buf_t *b, const char *s) { put(b, s, strlen(s)); }

static int counter;

/* no stdio: it would import wasi_snapshot_preview1 (fd_write ...), which a component without adapter cannot have */
static int fmt_int(char *out, int v) {
  char tmp[12]; int n = 0, len = 0;
  do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) out[len++] = tmp[--n];
  return len;
}
static int concat3(char *out, const char *a, const char *b, const char *c) {
  size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
  memcpy(out, a, la); memcpy(out + la, b, lb); memcpy(out + la + lb, c, lc);
  return (int)(la + lb + lc);
}

static void read_all(int32_t body, buf_t *out) {
  ret_t r;
  body_stream(body, &r);                                /* result<own<input-stream>> */
  if (U8(r, 0) != 0) return;
  int32_t in = I32(r, 4);
  for (;;) {
    in_read(in, 4096, &r);                              /* result<list<u8>, stream-error> */
    if (U8(r, 0) != 0) break;                           /* closed (or failed) */
    put(out, (void *)(intptr_t)I32(r, 4), I32(r, 8)); free((void *)(intptr_t)I32(r, 4));
  }
  in_drop(in);
}

static void append(int32_t fields, const char *name, const char *value) {
  ret_t r;
  fields_append(fields, name, strlen(name), value, strlen(value), &r);
}

/* sends one response: status, headers (name, value pairs, NULL-terminated), body in chunks of at most 4096 */
static void respond(int32_t out_param, int status, const char **headers, const char *body, size_t len) {
  ret_t r;
  int32_t h = fields_new();
  for (; headers && *headers; headers += 2) append(h, headers[0], headers[1]);
  int32_t resp = resp_new(h);                           /* headers handle is moved */
  resp_set_status(resp, status);
  resp_body(resp, &r);
  int32_t obody = I32(r, 4);
  outparam_set(out_param, 0, resp, 0, 0, 0, 0, 0, 0);   /* result::ok(resp) */
  out_body_write(obody, &r);
  int32_t out = I32(r, 4);
  for (size_t off = 0; off < len; off += 4096) {
    size_t n = len - off < 4096 ? len - off : 4096;
    out_write(out, body + off, (int32_t)n, &r);
  }
  out_drop(out);
  out_body_finish(obody, 0, 0, &r);                     /* no trailers */
}

/* reads the body to its end, then its trailers; answers with the body and a trailer echoing x-checksum */
static void trailers(int32_t request, int32_t out_param) {
  ret_t r;
  buf_t body = {0}, sum = {0};
  puts_(&body, "body=");
  req_consume(request, &r);
  if (U8(r, 0) != 0) { respond(out_param, 500, NULL, "no body\n", 8); return; }
  int32_t b = I32(r, 4);
  read_all(b, &body);
  int32_t ft = incoming_body_finish(b);
  trailers_get(ft, &r);             /* option<result<result<option<own<trailers>>, error-code>>>: 0, 8, 16, 24/28 */
  if (U8(r, 0) == 1 && U8(r, 8) == 0 && U8(r, 16) == 0 && U8(r, 24) == 1) {
    int32_t t = I32(r, 28);
    fields_get(t, "x-checksum", 10, &r);
    if (I32(r, 4) > 0) { int32_t *v = (int32_t *)(intptr_t)I32(r, 0); put(&sum, (void *)(intptr_t)v[0], v[1]); }
    fields_drop(t);
  }
  trailers_drop(ft);
  if (sum.len == 0) puts_(&sum, "none");
  put(&sum, "", 1);

  int32_t h = fields_new();
  append(h, "content-type", "text/plain");
  int32_t resp = resp_new(h);
  resp_body(resp, &r);
  int32_t obody = I32(r, 4);
  outparam_set(out_param, 0, resp, 0, 0, 0, 0, 0, 0);
  out_body_write(obody, &r);
  int32_t out = I32(r, 4);
  out_write(out, body.p, (int32_t)body.len, &r);
  out_drop(out);
  int32_t tr = fields_new();
  append(tr, "x-echo-checksum", sum.p);
  out_body_finish(obody, 1, tr, &r);                    /* some(trailers): the handle moves */
  free(body.p); free(sum.p);
}

static void stream_chunks(int32_t out_param, int n) {
  ret_t r;
  int32_t h = fields_new();
  append(h, "content-type", "text/plain");
  int32_t resp = resp_new(h);
  resp_body(resp, &r);
  int32_t obody = I32(r, 4);
  outparam_set(out_param, 0, resp, 0, 0, 0, 0, 0, 0);
  out_body_write(obody, &r);
  int32_t out = I32(r, 4);
  char line[32];
  for (int i = 0; i < n; i++) {
    int len = concat3(line, "chunk ", "", "");
    len += fmt_int(line + len, i);
    line[len++] = '\n';
    out_write(out, line, len, &r);
  }
  out_drop(out);
  out_body_finish(obody, 0, 0, &r);
}

static void outbound(int32_t out_param, const char *method, const char *target, buf_t *body) {
  ret_t r;
  const char *slash = strchr(target, '/');
  size_t alen = slash ? (size_t)(slash - target) : strlen(target);
  const char *path = slash ? slash : "/";
  int32_t h = fields_new();
  append(h, "x-from", "basalt");
  int32_t req = oreq_new(h);
  int m = 9;
  for (int i = 0; i < 9; i++) if (strcmp(METHODS[i], method) == 0) m = i;
  oreq_set_method(req, m, method, strlen(method));
  oreq_set_scheme(req, 1, 0, 0, 0);                     /* some(HTTP) */
  oreq_set_authority(req, 1, target, alen);
  oreq_set_path(req, 1, path, strlen(path));
  int32_t obody = -1;
  if (body->len > 0) { oreq_body(req, &r); obody = I32(r, 4); }
  outgoing_handle(req, 0, 0, &r);                       /* result<own<future-incoming-response>, error-code> */
  char text[256];
  if (U8(r, 0) != 0) {
    int code = U8(r, 8);
    if (obody >= 0) { ret_t f; out_body_finish(obody, 0, 0, &f); }
    int n = concat3(text, "error-code: ", code < 39 ? ERROR_CODES[code] : "?", "\n");
    respond(out_param, 502, NULL, text, n);
    return;
  }
  int32_t fut = I32(r, 8);
  if (obody >= 0) {                                     /* the body goes out after handle: it is streamed */
    ret_t w;
    out_body_write(obody, &w);
    int32_t out = I32(w, 4);
    for (size_t off = 0; off < body->len; off += 4096) {
      size_t n = body->len - off < 4096 ? body->len - off : 4096;
      out_write(out, body->p + off, (int32_t)n, &w);
    }
    out_drop(out);
    out_body_finish(obody, 0, 0, &w);
  }
  int32_t pollable = fut_subscribe(fut);
  pollable_block(pollable);
  pollable_drop(pollable);
  fut_get(fut, &r);                     /* option<result<result<incoming-response, error-code>>>: 0, 8, 16, 24 */
  fut_drop(fut);
  if (U8(r, 0) == 0 || U8(r, 8) != 0) { respond(out_param, 500, NULL, "future not ready\n", 17); return; }
  if (U8(r, 16) != 0) {
    int code = U8(r, 24);
    int n = concat3(text, "error-code: ", code < 39 ? ERROR_CODES[code] : "?", "\n");
    respond(out_param, 502, NULL, text, n);
    return;
  }
  int32_t resp = I32(r, 24);
  int status = iresp_status(resp);
  buf_t up = {0};
  puts_(&up, "upstream: ");
  iresp_consume(resp, &r);
  if (U8(r, 0) == 0) { int32_t b = I32(r, 4); read_all(b, &up); incoming_body_drop(b); }
  iresp_drop(resp);
  respond(out_param, status, NULL, up.p, up.len);
  free(up.p);
}

static void check_fields(int32_t request, int32_t out_param) {
  ret_t r;
  const char *headers[10];
  int32_t in = req_headers(request);
  fields_append(in, "x-more", 6, "1", 1, &r);
  headers[0] = "x-immutable"; headers[1] = U8(r, 0) ? HEADER_ERRORS[U8(r, 1)] : "ok";
  fields_get(in, "X-Test", 6, &r);                      /* names are case-insensitive */
  buf_t test = {0};
  for (int i = 0; i < I32(r, 4); i++) {
    int32_t *v = (int32_t *)(intptr_t)I32(r, 0) + 2 * i;
    if (i) puts_(&test, ",");
    put(&test, (void *)(intptr_t)v[0], v[1]);
  }
  put(&test, "", 1);
  fields_drop(in);
  int32_t f = fields_new();
  fields_append(f, "connection", 10, "close", 5, &r);
  headers[2] = "x-forbidden"; headers[3] = U8(r, 0) ? HEADER_ERRORS[U8(r, 1)] : "ok";
  fields_append(f, "bad name", 8, "v", 1, &r);
  headers[4] = "x-invalid"; headers[5] = U8(r, 0) ? HEADER_ERRORS[U8(r, 1)] : "ok";
  fields_append(f, "x-bad-value", 11, "a\r\nb", 4, &r);
  headers[6] = "x-invalid-value"; headers[7] = U8(r, 0) ? HEADER_ERRORS[U8(r, 1)] : "ok";
  fields_drop(f);
  headers[8] = NULL;
  respond(out_param, 200, headers, test.p, strlen(test.p));
  free(test.p);
}

__attribute__((export_name("wasi:http/incoming-handler@0.2.12#handle")))
void handle(int32_t request, int32_t response_out) {
  ret_t r;
  buf_t method = {0}, path = {0}, body = {0}, echo = {0};
  req_method(request, &r);                              /* variant method { get, ..., other(string) } */
  if (U8(r, 0) < 9) puts_(&method, METHODS[U8(r, 0)]);
  else { put(&method, (void *)(intptr_t)I32(r, 4), I32(r, 8)); free((void *)(intptr_t)I32(r, 4)); }
  put(&method, "", 1);
  req_path(request, &r);                                /* option<string> */
  if (U8(r, 0)) { put(&path, (void *)(intptr_t)I32(r, 4), I32(r, 8)); free((void *)(intptr_t)I32(r, 4)); }
  put(&path, "", 1);

  if (strcmp(path.p, "/fields") == 0) { check_fields(request, response_out); incoming_request_drop(request); return; }
  if (strcmp(path.p, "/trailers") == 0) { trailers(request, response_out); incoming_request_drop(request); return; }

  puts_(&echo, method.p); puts_(&echo, " "); puts_(&echo, path.p); puts_(&echo, "\n");
  int32_t headers = req_headers(request);
  fields_entries(headers, &r);                          /* list<tuple<string, list<u8>>> */
  for (int i = 0; i < I32(r, 4); i++) {
    int32_t *e = (int32_t *)(intptr_t)I32(r, 0) + 4 * i;
    put(&echo, (void *)(intptr_t)e[0], e[1]); puts_(&echo, ": "); put(&echo, (void *)(intptr_t)e[2], e[3]); puts_(&echo, "\n");
  }
  fields_drop(headers);
  req_consume(request, &r);                             /* result<own<incoming-body>> */
  if (U8(r, 0) == 0) { int32_t b = I32(r, 4); read_all(b, &body); incoming_body_drop(b); }
  incoming_request_drop(request);

  if (strcmp(path.p, "/counter") == 0) {
    char text[32];
    int n = concat3(text, "count=", "", "");
    n += fmt_int(text + n, ++counter);
    text[n++] = '\n';
    respond(response_out, 200, NULL, text, n);
  } else if (strcmp(path.p, "/trap") == 0) {
    __builtin_trap();
  } else if (strncmp(path.p, "/stream?", 8) == 0) {
    stream_chunks(response_out, atoi(path.p + 8));
  } else if (strcmp(path.p, "/error-code") == 0) {
    /* err(internal-error(some("handler refused"))): result tag 1, error-code case 38, option tag 1, string */
    outparam_set(response_out, 1, 38, 1, (int64_t)(intptr_t)"handler refused", 15, 0, 0, 0);
  } else if (strcmp(path.p, "/no-response") == 0) {
    /* the response-outparam is dropped unset */
  } else if (strncmp(path.p, "/outbound/", 10) == 0) {
    outbound(response_out, method.p, path.p + 10, &body);
  } else {
    puts_(&echo, "body="); put(&echo, body.p, body.len);
    const char *h[] = {"content-type", "text/plain", "x-echo-method", method.p, NULL};
    respond(response_out, 200, h, echo.p, echo.len);
  }
  free(method.p); free(path.p); free(body.p); free(echo.p);
}
