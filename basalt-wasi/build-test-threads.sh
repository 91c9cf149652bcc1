#!/usr/bin/env bash
# Builds the C wasi-threads test program (src/test/c/threads) into src/test/resources/wasi-threads/threads.wasm.
# Needs clang + lld (wasm32) and wabt (wasm2wat, wat2wasm). No libc: Debian's wasi-libc has no pthreads, so the
# program brings its own thread entry (wasi_thread_start.s, as wasi-libc writes it) and lock.
# wasm-ld 14 has no --export-memory, and WASI preview1 needs the memory exported as "memory" (wasi-sdk links
# threads programs with --import-memory --export-memory): the export is added with wabt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/src/test/c/threads"
out="$here/src/test/resources/wasi-threads"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
F="--target=wasm32 -matomics -mbulk-memory"
clang $F -O2 -c "$src/threads.c" -o "$tmp/threads.o"
clang $F -c "$src/wasi_thread_start.s" -o "$tmp/start.o"
clang $F -nostdlib -Wl,--no-entry,--shared-memory,--import-memory,--max-memory=1048576 \
  -o "$tmp/threads.wasm" "$tmp/threads.o" "$tmp/start.o"
wasm2wat --enable-threads "$tmp/threads.wasm" -o "$tmp/threads.wat"
sed 's/^  (export "_start"/  (export "memory" (memory 0))\n  (export "_start"/' "$tmp/threads.wat" > "$tmp/exported.wat"
wat2wasm --enable-threads --debug-names "$tmp/exported.wat" -o "$out/threads.wasm"
echo "threads.wasm: $(stat -c %s "$out/threads.wasm") bytes"
