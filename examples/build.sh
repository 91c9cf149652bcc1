#!/usr/bin/env bash
# Rebuilds examples/hello.wasm from hello.c with Debian's clang and wasi-libc:
#   apt-get install -y clang lld wasi-libc libclang-rt-dev-wasm32
set -euo pipefail
cd "$(dirname "$0")"
clang --target=wasm32-wasi -O2 -Wl,--strip-debug hello.c -o hello.wasm
ls -l hello.wasm
