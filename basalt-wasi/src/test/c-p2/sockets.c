/* A WASI 0.2 command that uses wasi:sockets@0.2.12 directly through hand-written canonical-ABI imports (Debian's
   wasi-libc is preview1 only, with no sockets). stdio, argv and exit come from wasi-libc through jco's preview1
   adapter. Built by ../../build-test-components.sh. Modes (ARGS):
     tcp-echo PORT MSG     connect to 127.0.0.1:PORT, send MSG, read as many bytes back, print "echo: <bytes>"
     tcp-serve PORT        bind 127.0.0.1:PORT, listen, print "listening <port>", accept one client, read one
                           line, reply "you said: <line>", print "served: <line>"
     udp-echo PORT MSG     bind 0.0.0.0:0, stream to 127.0.0.1:PORT, send MSG, print "udp: <reply> from <port>"
     lookup NAME           resolve NAME, print each address
   Any wasi:sockets error prints "error <code> at <step>" and exits 1. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT(m, n) __attribute__((import_module(m), import_name(n))) extern
#define TCP "wasi:sockets/tcp@0.2.12"
#define UDP "wasi:sockets/udp@0.2.12"
#define IO "wasi:io/streams@0.2.12"
#define POLL "wasi:io/poll@0.2.12"
#define LOOKUP "wasi:sockets/ip-name-lookup@0.2.12"

/* An ip-socket-address flattens to 12 i32s: the case, then ipv4 (port, 4 bytes) or ipv6 (port, flow-info,
   8 words, scope-id), the unused rest zero. */
#define ADDR int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t
IMPORT("wasi:sockets/instance-network@0.2.12", "instance-network") int32_t instance_network(void);
IMPORT("wasi:sockets/tcp-create-socket@0.2.12", "create-tcp-socket") void create_tcp(int32_t family, void *ret);
IMPORT(TCP, "[method]tcp-socket.start-bind") void tcp_start_bind(int32_t, int32_t, ADDR, void *ret);
IMPORT(TCP, "[method]tcp-socket.finish-bind") void tcp_finish_bind(int32_t, void *ret);
IMPORT(TCP, "[method]tcp-socket.start-connect") void tcp_start_connect(int32_t, int32_t, ADDR, void *ret);
IMPORT(TCP, "[method]tcp-socket.finish-connect") void tcp_finish_connect(int32_t, void *ret);
IMPORT(TCP, "[method]tcp-socket.start-listen") void tcp_start_listen(int32_t, void *ret);
IMPORT(TCP, "[method]tcp-socket.finish-listen") void tcp_finish_listen(int32_t, void *ret);
IMPORT(TCP, "[method]tcp-socket.accept") void tcp_accept(int32_t, void *ret);
IMPORT(TCP, "[method]tcp-socket.local-address") void tcp_local_address(int32_t, void *ret);
IMPORT(TCP, "[method]tcp-socket.subscribe") int32_t tcp_subscribe(int32_t);
IMPORT(TCP, "[method]tcp-socket.shutdown") void tcp_shutdown(int32_t, int32_t, void *ret);
IMPORT(TCP, "[resource-drop]tcp-socket") void tcp_drop(int32_t);
IMPORT("wasi:sockets/udp-create-socket@0.2.12", "create-udp-socket") void create_udp(int32_t family, void *ret);
IMPORT(UDP, "[method]udp-socket.start-bind") void udp_start_bind(int32_t, int32_t, ADDR, void *ret);
IMPORT(UDP, "[method]udp-socket.finish-bind") void udp_finish_bind(int32_t, void *ret);
IMPORT(UDP, "[method]udp-socket.stream") void udp_stream(int32_t, int32_t, ADDR, void *ret);
IMPORT(UDP, "[method]incoming-datagram-stream.receive") void udp_receive(int32_t, int64_t, void *ret);
IMPORT(UDP, "[method]incoming-datagram-stream.subscribe") int32_t udp_in_subscribe(int32_t);
IMPORT(UDP, "[method]outgoing-datagram-stream.check-send") void udp_check_send(int32_t, void *ret);
IMPORT(UDP, "[method]outgoing-datagram-stream.send") void udp_send(int32_t, const void *, int32_t, void *ret);
IMPORT(UDP, "[resource-drop]udp-socket") void udp_drop(int32_t);
IMPORT(UDP, "[resource-drop]incoming-datagram-stream") void udp_in_drop(int32_t);
IMPORT(UDP, "[resource-drop]outgoing-datagram-stream") void udp_out_drop(int32_t);
IMPORT(LOOKUP, "resolve-addresses") void resolve_addresses(int32_t, const char *, int32_t, void *ret);
IMPORT(LOOKUP, "[method]resolve-address-stream.resolve-next-address") void resolve_next(int32_t, void *ret);
IMPORT(LOOKUP, "[resource-drop]resolve-address-stream") void resolve_drop(int32_t);
IMPORT(IO, "[method]input-stream.blocking-read") void in_read(int32_t, int64_t, void *ret);
IMPORT(IO, "[resource-drop]input-stream") void in_drop(int32_t);
IMPORT(IO, "[method]output-stream.blocking-write-and-flush") void out_write(int32_t, const void *, int32_t, void *ret);
IMPORT(IO, "[resource-drop]output-stream") void out_drop(int32_t);
IMPORT(POLL, "[method]pollable.block") void pollable_block(int32_t);
IMPORT(POLL, "[resource-drop]pollable") void pollable_drop(int32_t);

__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *old, size_t old_size, size_t align, size_t size) {
  (void)old_size;
  if (size == 0) return (void *)align;
  void *p = realloc(old, size);
  if (!p) abort();
  return p;
}

static const char *CODES[] = {"unknown", "access-denied", "not-supported", "invalid-argument", "out-of-memory",
  "timeout", "concurrency-conflict", "not-in-progress", "would-block", "invalid-state", "new-socket-limit",
  "address-not-bindable", "address-in-use", "remote-unreachable", "connection-refused", "connection-reset",
  "connection-aborted", "datagram-too-large", "name-unresolvable", "temporary-resolver-failure",
  "permanent-resolver-failure"};

/* Return areas. result<_, error-code>: tag, code (bytes 0, 1). A result with an i32-aligned payload: tag at 0,
   payload at 4. result<u64, error-code>: payload at 8. */
typedef struct { uint8_t tag, code; } unit_result;
typedef struct { uint8_t tag; int32_t a, b, c; } handles_result;
typedef struct { uint8_t tag; uint8_t pad[7]; uint64_t value; } u64_result;
/* result<ip-socket-address, error-code>: address case at 4, port at 8, ipv4 bytes at 10 */
typedef struct { uint8_t tag; uint8_t pad[3]; uint8_t kind; uint8_t pad2[3]; uint16_t port; uint8_t v4[4]; uint8_t rest[18]; } addr_result;

static int fail(const char *step, int code) {
  printf("error %s at %s\n", code >= 0 && code <= 20 ? CODES[code] : "?", step);
  fflush(stdout);
  exit(1);
}

#define CHECK_UNIT(call, step) do { unit_result r_; call; if (r_.tag) fail(step, r_.code); } while (0)
#define V4(port, a, b, c, d) 0, (port), (a), (b), (c), (d), 0, 0, 0, 0, 0, 0

static void wait_on(int32_t pollable) {
  pollable_block(pollable);
  pollable_drop(pollable);
}

static void write_all(int32_t out, const char *data, int32_t len) {
  struct { uint8_t tag; int32_t kind, err; } r;
  out_write(out, data, len, &r);
  if (r.tag) fail("write", 0);
}

/* Reads until n bytes or the end of the stream; returns how many. */
static int read_some(int32_t in, char *buf, int n, int until_newline) {
  int got = 0;
  while (got < n) {
    struct { uint8_t tag; int32_t ptr, len; } r;
    in_read(in, n - got, &r);
    if (r.tag) break; /* closed, or failed */
    memcpy(buf + got, (void *)(intptr_t)r.ptr, r.len);
    free((void *)(intptr_t)r.ptr);
    got += r.len;
    if (until_newline && got > 0 && buf[got - 1] == '\n') break;
  }
  return got;
}

static int32_t new_tcp(void) {
  handles_result r;
  create_tcp(0, &r); /* ipv4 */
  if (r.tag) fail("create-tcp-socket", (uint8_t)r.a);
  return r.a;
}

static int tcp_echo(int32_t net, int port, const char *msg) {
  int32_t sock = new_tcp();
  unit_result u;
  tcp_start_connect(sock, net, V4(port, 127, 0, 0, 1), &u);
  if (u.tag) fail("start-connect", u.code);
  handles_result c;
  for (;;) {
    tcp_finish_connect(sock, &c);
    if (!c.tag) break;
    if ((uint8_t)c.a != 8) fail("finish-connect", (uint8_t)c.a); /* not would-block */
    wait_on(tcp_subscribe(sock));
  }
  int32_t in = c.a, out = c.b;
  int len = (int)strlen(msg);
  write_all(out, msg, len);
  char *buf = calloc(1, len + 1);
  int got = read_some(in, buf, len, 0);
  printf("echo: %.*s\n", got, buf);
  tcp_shutdown(sock, 2, &u); /* both */
  in_drop(in);
  out_drop(out);
  tcp_drop(sock);
  return 0;
}

static int tcp_serve(int32_t net, int port) {
  int32_t sock = new_tcp();
  unit_result u;
  tcp_start_bind(sock, net, V4(port, 127, 0, 0, 1), &u);
  if (u.tag) fail("start-bind", u.code);
  tcp_finish_bind(sock, &u);
  if (u.tag) fail("finish-bind", u.code);
  tcp_start_listen(sock, &u);
  if (u.tag) fail("start-listen", u.code);
  tcp_finish_listen(sock, &u);
  if (u.tag) fail("finish-listen", u.code);
  addr_result a;
  tcp_local_address(sock, &a);
  if (a.tag) fail("local-address", a.kind);
  printf("listening %d\n", a.port);
  fflush(stdout);
  handles_result c;
  for (;;) {
    tcp_accept(sock, &c);
    if (!c.tag) break;
    if ((uint8_t)c.a != 8) fail("accept", (uint8_t)c.a);
    wait_on(tcp_subscribe(sock));
  }
  int32_t client = c.a, in = c.b, out = c.c;
  char line[256];
  int got = read_some(in, line, sizeof line - 1, 1);
  while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r')) got--;
  char reply[300];
  int n = snprintf(reply, sizeof reply, "you said: %.*s\n", got, line);
  write_all(out, reply, n);
  printf("served: %.*s\n", got, line);
  in_drop(in);
  out_drop(out);
  tcp_drop(client);
  tcp_drop(sock);
  return 0;
}

/* outgoing-datagram: data (ptr, len) at 0, option<ip-socket-address> at 8 (tag), address at 12 */
typedef struct { const char *data; int32_t len; uint8_t has_remote; uint8_t pad[3]; uint8_t rest[32]; } outgoing_datagram;
/* incoming-datagram: data at 0, ip-socket-address at 8 (case), port at 12 */
typedef struct { char *data; int32_t len; uint8_t kind; uint8_t pad[3]; uint16_t port; uint8_t v4[4]; uint8_t rest[22]; } incoming_datagram;

static int udp_echo(int32_t net, int port, const char *msg) {
  handles_result r;
  create_udp(0, &r);
  if (r.tag) fail("create-udp-socket", (uint8_t)r.a);
  int32_t sock = r.a;
  unit_result u;
  udp_start_bind(sock, net, V4(0, 0, 0, 0, 0), &u);
  if (u.tag) fail("start-bind", u.code);
  udp_finish_bind(sock, &u);
  if (u.tag) fail("finish-bind", u.code);
  handles_result s;
  udp_stream(sock, 1, V4(port, 127, 0, 0, 1), &s); /* option::some */
  if (s.tag) fail("stream", (uint8_t)s.a);
  int32_t in = s.a, out = s.b;
  u64_result permit;
  udp_check_send(out, &permit);
  if (permit.tag) fail("check-send", (uint8_t)permit.value);
  outgoing_datagram d = {msg, (int32_t)strlen(msg), 0};
  u64_result sent;
  udp_send(out, &d, 1, &sent);
  if (sent.tag) fail("send", (uint8_t)sent.value);
  struct { uint8_t tag; int32_t ptr, len; } got;
  for (;;) {
    udp_receive(in, 1, &got);
    if (got.tag) fail("receive", (uint8_t)got.ptr);
    if (got.len > 0) break;
    wait_on(udp_in_subscribe(in));
  }
  incoming_datagram *in_d = (incoming_datagram *)(intptr_t)got.ptr;
  printf("udp: %.*s from %d\n", in_d->len, in_d->data, in_d->port);
  free(in_d->data);
  free(in_d);
  udp_in_drop(in);
  udp_out_drop(out);
  udp_drop(sock);
  return 0;
}

static int lookup(int32_t net, const char *name) {
  handles_result r;
  resolve_addresses(net, name, (int32_t)strlen(name), &r);
  if (r.tag) fail("resolve-addresses", (uint8_t)r.a);
  int32_t stream = r.a;
  for (;;) {
    /* result<option<ip-address>, error-code>: tag 0, option tag 2, ip-address case 4, payload 6 */
    uint8_t a[24] __attribute__((aligned(2)));
    resolve_next(stream, a);
    if (a[0]) fail("resolve-next-address", a[2]);
    if (!a[2]) break;
    if (a[4] == 0) {
      printf("address %d.%d.%d.%d\n", a[6], a[7], a[8], a[9]);
    } else {
      uint16_t *w = (uint16_t *)(a + 6);
      printf("address %x:%x:%x:%x:%x:%x:%x:%x\n", w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]);
    }
  }
  resolve_drop(stream);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: sockets tcp-echo PORT MSG | tcp-serve PORT | udp-echo PORT MSG | lookup NAME\n");
    return 2;
  }
  int32_t net = instance_network();
  const char *mode = argv[1];
  if (!strcmp(mode, "tcp-echo") && argc == 4) return tcp_echo(net, atoi(argv[2]), argv[3]);
  if (!strcmp(mode, "tcp-serve")) return tcp_serve(net, atoi(argv[2]));
  if (!strcmp(mode, "udp-echo") && argc == 4) return udp_echo(net, atoi(argv[2]), argv[3]);
  if (!strcmp(mode, "lookup")) return lookup(net, argv[2]);
  fprintf(stderr, "unknown mode %s\n", mode);
  return 2;
}
