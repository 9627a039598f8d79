#!/usr/bin/env bash
# Configures and builds the libFuzzer targets in their own build directory (README.md here): clang 16, every
# library with the fuzzer's coverage instrumentation (-fsanitize=fuzzer-no-link) and ASan + UBSan, at -O1.
# Usage: tests/fuzz/build.sh [build dir]   (default build-fuzz)
#
# Why clang 16 and not Debian's default clang 14: the sources capture structured bindings in lambdas
# (C++20, P1091R3), which clang implements from 16 on. Why BOOST_ASIO_HAS_CO_AWAIT: Boost 1.74's Asio turns
# co_await on for clang only with <experimental/coroutine>; clang 16 runs libstdc++'s <coroutine> as GCC
# does. Warnings are not errors here: the GCC builds hold the code to -Werror.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-fuzz}
CXX=clang++-16 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" -DANDEL_SANITIZE=ON -DANDEL_WERROR=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link -DBOOST_ASIO_HAS_CO_AWAIT=1" >/dev/null
ninja -C "$build" andel_fuzz
