#!/usr/bin/env bash
# Rebuilds the benchmark workloads from src/main/c: each C file becomes
#   src/main/resources/wasm/NAME.wasm  a core module that exports `run: () -> i64` and `memory`, no imports
#   target/native/NAME                 the same C compiled natively with clang -O2 and src/main/native/bench-main.c,
#                                      the harness that times run() in-process (see BenchMain's native runtime)
# and writes src/main/resources/wasm/expected.properties from the native answers.
# The built .wasm files and expected.properties are committed, so benchmarks and tests need no C toolchain.
#   ./build-wasm.sh            rebuild everything
#   ./build-wasm.sh --native   only the native binaries (what ./bench does, so the committed modules stay as they are)
# Needs Debian's clang and lld: apt-get install -y clang lld
set -euo pipefail
cd "$(dirname "$0")"
CLANG=${CLANG:-clang}
native_only=false
[ "${1:-}" = "--native" ] && native_only=true
out=src/main/resources/wasm
mkdir -p "$out" target/native
expected=""
for src in src/main/c/*.c; do
  name=$(basename "$src" .c)
  if ! $native_only; then
    # -mbulk-memory: clang turns memset/memcpy idioms into memory.fill/copy instead of calling a libc we do not link.
    # A source's own extra flags come from its "// wasm-flags: ..." line (simd.c: -msimd128).
    extra=$(sed -n 's|^// wasm-flags: ||p' "$src")
    # shellcheck disable=SC2086
    "$CLANG" --target=wasm32 -O2 -mbulk-memory $extra -nostdlib -Wl,--no-entry -Wl,--strip-debug \
      "$src" -o "$out/$name.wasm"
  fi
  # The same source and optimisation level natively (export_name means nothing there).
  "$CLANG" -O2 -Wno-unknown-attributes "$src" src/main/native/bench-main.c -lm -o "target/native/$name"
  answer=$("target/native/$name")
  expected+="$name=$answer"$'\n'
  if ! $native_only; then
    echo "$name: $(wc -c < "$out/$name.wasm") bytes, native run() = $answer"
  fi
done
if ! $native_only; then
  printf '%s' "$expected" > "$out/expected.properties"
fi
