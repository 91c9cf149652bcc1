#!/usr/bin/env bash
# Rebuilds the benchmark workloads from src/main/c: each C file becomes
#   src/main/resources/wasm/NAME.wasm  a core module that exports `run: () -> i64` and `memory`, no imports
#   target/native/NAME                 the same C compiled natively (for time ratios to native), printing run()
# The built .wasm files are committed, so benchmarks and tests need no C toolchain. Needs Debian's clang, lld
# (and gcc for native): apt-get install -y clang lld gcc
set -euo pipefail
cd "$(dirname "$0")"
CLANG=${CLANG:-clang}
out=src/main/resources/wasm
mkdir -p "$out" target/native
for src in src/main/c/*.c; do
  name=$(basename "$src" .c)
  # -mbulk-memory: clang turns memset/memcpy idioms into memory.fill/copy instead of calling a libc we do not link.
  "$CLANG" --target=wasm32 -O2 -mbulk-memory -nostdlib -Wl,--no-entry -Wl,--strip-debug \
    "$src" -o "$out/$name.wasm"
  { echo '#include <stdio.h>'; sed 's/__attribute__((export_name("run")))//' "$src";
    echo 'int main(void) { printf("%lld\n", run()); return 0; }'; } > "target/native/$name.c"
  gcc -O2 "target/native/$name.c" -o "target/native/$name" -lm
  echo "$name: $(wc -c < "$out/$name.wasm") bytes, native run() = $("target/native/$name")"
done
