#!/usr/bin/env bash
# Rebuilds the DWARF backtrace fixtures from src/test/c/dwarf into src/test/resources/dwarf (committed, so tests need
# no C toolchain): the same C program with DWARF 4 and DWARF 5 debug information. Needs clang with the wasm32
# target (Debian: clang lld; see ../shared/docs/building-test-wasm.md). No libc (wasi-libc ships its own DWARF,
# 190 KB), -O1 so that element() is inlined, paths recorded relative to the source directory (reproducible), and
# linked without -O: clang would run wasm-opt, which rewrites the code and drops DWARF it cannot update.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/src/test/c/dwarf"
out="$here/src/test/resources/dwarf"
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for v in 4 5; do
  (cd "$src" && clang --target=wasm32 -O1 -g -gdwarf-$v -fdebug-prefix-map="$src"=. -c crash.c -o "$tmp/crash$v.o")
  clang --target=wasm32 -nostdlib -Wl,--no-entry "$tmp/crash$v.o" -o "$out/crash-dwarf$v.wasm"
  echo "crash-dwarf$v.wasm: $(stat -c %s "$out/crash-dwarf$v.wasm") bytes"
done
