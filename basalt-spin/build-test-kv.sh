#!/usr/bin/env bash
# Builds the key-value/variables/sqlite/redis test handler (src/test/c/kv-handler.c) into a component,
# src/test/resources/kv-handler.component.wasm, and the Redis-trigger component (src/test/c/redis-handler.c) into
# src/test/resources/redis-handler.component.wasm (both committed, so tests need neither clang nor node).
# The C file has hand-written canonical-ABI glue (no wit-bindgen on Debian); `jco embed` types it with the world
# below (basalt-wasi's WASI 0.2 WIT plus this module's wasi:keyvalue, fermyon:spin and wasi:config WIT) and
# `jco new` makes the component. Needs clang with wasm32-wasi + wasi-libc and the jco kit (see
# ../shared/docs/building-test-wasm.md): JCO_KIT=/path/to/kit, default /tmp/jcokit.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
kit="${JCO_KIT:-/tmp/jcokit}"
export JCO_NODE_MODULES="$kit/node_modules"
jco() { node --import "$kit/jco-preopen.mjs" "$kit/node_modules/.bin/jco" "$@"; }
out="$here/src/test/resources"
wasi="$here/../basalt-wasi/src/main/resources/dev/basalt/wasi/preview2/wit"
spin="$here/src/main/resources/dev/basalt/spin/wit"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out" "$tmp/wit"
for pkg in io clocks random filesystem sockets cli http; do
  mkdir -p "$tmp/wit/deps/$pkg"
  cp "$wasi/$pkg.wit" "$tmp/wit/deps/$pkg/package.wit"
done
for pkg in keyvalue spin config; do
  mkdir -p "$tmp/wit/deps/$pkg"
  cp "$spin/$pkg.wit" "$tmp/wit/deps/$pkg/package.wit"
done
cat > "$tmp/wit/world.wit" <<'WIT'
package basalt:kv-test;

world handler {
  import wasi:http/types@0.2.12;
  import fermyon:spin/key-value@2.0.0;
  import fermyon:spin/variables@2.0.0;
  import wasi:keyvalue/store@0.2.0-draft2;
  import wasi:keyvalue/atomics@0.2.0-draft2;
  import wasi:keyvalue/batch@0.2.0-draft2;
  import wasi:config/store@0.2.0-draft-2024-09-27;
  import fermyon:spin/sqlite@2.0.0;
  import fermyon:spin/redis@2.0.0;
  export wasi:http/incoming-handler@0.2.12;
}
WIT
clang --target=wasm32-wasi -O2 -mexec-model=reactor -c "$here/src/test/c/kv-handler.c" -o "$tmp/kv.o"
clang --target=wasm32-wasi -mexec-model=reactor -Wl,--strip-debug "$tmp/kv.o" -o "$tmp/kv.core.wasm"
jco embed "$tmp/kv.core.wasm" --wit "$tmp/wit" -n handler -o "$tmp/kv.embed.wasm"
jco new "$tmp/kv.embed.wasm" -o "$out/kv-handler.component.wasm"
echo "kv-handler.component.wasm: $(stat -c %s "$out/kv-handler.component.wasm") bytes"

# the Redis-trigger component (src/test/c/redis-handler.c): exports Spin's unversioned fermyon:spin/inbound-redis
mkdir -p "$tmp/wit/deps/spin-inbound"
cat > "$tmp/wit/deps/spin-inbound/package.wit" <<'WIT'
package fermyon:spin;

interface redis-types {
  enum error { success, error }
  type payload = list<u8>;
}

interface inbound-redis {
  use redis-types.{payload, error};
  handle-message: func(message: payload) -> result<_, error>;
}
WIT
cat > "$tmp/wit/world.wit" <<'WIT'
package basalt:redis-test;

world redis-handler {
  import fermyon:spin/key-value@2.0.0;
  export fermyon:spin/inbound-redis;
}
WIT
clang --target=wasm32-wasi -O2 -mexec-model=reactor -c "$here/src/test/c/redis-handler.c" -o "$tmp/redis.o"
clang --target=wasm32-wasi -mexec-model=reactor -Wl,--strip-debug "$tmp/redis.o" -o "$tmp/redis.core.wasm"
jco embed "$tmp/redis.core.wasm" --wit "$tmp/wit" -n redis-handler -o "$tmp/redis.embed.wasm"
jco new "$tmp/redis.embed.wasm" -o "$out/redis-handler.component.wasm"
echo "redis-handler.component.wasm: $(stat -c %s "$out/redis-handler.component.wasm") bytes"
