#!/usr/bin/env bash
# Rebuilds the WASI test fixtures from src/test/c into src/test/resources/wasi (committed, so tests need no C
# toolchain). Needs clang with the wasm32-wasi target and wasi-libc (Debian: clang lld wasi-libc
# libclang-rt-dev-wasm32); see ../shared/docs/building-test-wasm.md. The name section is kept so backtraces
# show function names.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/src/test/c"
out="$here/src/test/resources/wasi"
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for c in "$src"/*.c; do
  name="$(basename "$c" .c)"
  # Compile with -O2 but link without -O: clang would run wasm-opt at link time, which drops the name section.
  clang --target=wasm32-wasi -O2 -c "$c" -o "$tmp/$name.o"
  clang --target=wasm32-wasi -Wl,--strip-debug "$tmp/$name.o" -o "$out/$name.wasm"
  echo "$name.wasm: $(stat -c %s "$out/$name.wasm") bytes"
done
