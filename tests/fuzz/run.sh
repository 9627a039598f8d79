#!/usr/bin/env bash
# Runs every libFuzzer target of a build for a while each, from the checked-in seeds (README.md here).
# Usage: tests/fuzz/run.sh <build dir> <seconds per target> [target ...]   (default: every target)
# New inputs go to <build dir>/fuzz/corpus/<target>, crashes to <build dir>/fuzz/crashes/; the seeds in
# tests/fuzz/corpus stay as they are. Exits 1 if any target crashed, leaked, hung or broke an invariant.
set -uo pipefail
cd "$(dirname "$0")/../.."
build=${1:?usage: tests/fuzz/run.sh <build dir> <seconds per target> [target ...]}
seconds=${2:?usage: tests/fuzz/run.sh <build dir> <seconds per target> [target ...]}
shift 2
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then targets=(csv market_toml receipts api http); fi

# The longest input each target is given: a few records or requests, enough to reach every limit the
# target's code has below the server's (8 KiB bodies in the http target's server).
declare -A max_len=([csv]=4096 [market_toml]=8192 [receipts]=16384 [api]=16384 [http]=12288)
# The dictionary each uses; none for csv.
declare -A dict=([market_toml]=market_toml.dict [receipts]=receipts.dict [api]=api.dict [http]=http.dict)

# Stack traces with file and line; the clang-16 runtime does not find the symbolizer by itself.
ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer-16 || command -v llvm-symbolizer || true)}
export ASAN_SYMBOLIZER_PATH

failed=()
for t in "${targets[@]}"; do
  binary="$build/tests/fuzz/andel_${t}_fuzz"
  corpus="$build/fuzz/corpus/$t"
  crashes="$build/fuzz/crashes"
  # The targets' databases (test::TestApp) and market files go here, and are removed after the run.
  TMPDIR="$(realpath "$build")/fuzz/tmp/$t"
  export TMPDIR
  if [ ! -x "$binary" ] || [ -z "${max_len[$t]:-}" ]; then
    echo "fuzz: no target $t in $build (tests/fuzz/build.sh builds them)"
    failed+=("$t")
    continue
  fi
  mkdir -p "$corpus" "$crashes" "$TMPDIR"
  options=(-max_total_time="$seconds" -max_len="${max_len[$t]}" -timeout=30 -rss_limit_mb=4096
           -print_final_stats=1 -artifact_prefix="$crashes/$t-")
  if [ -n "${dict[$t]:-}" ]; then options+=(-dict="tests/fuzz/${dict[$t]}"); fi
  echo "fuzz: $t for $seconds s"
  if ! "$binary" "${options[@]}" "$corpus" "tests/fuzz/corpus/$t" >"$build/fuzz/$t.log" 2>&1; then
    failed+=("$t")
    tail -n 60 "$build/fuzz/$t.log"
  fi
  grep -E "^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb)" "$build/fuzz/$t.log" || true
  rm -rf "$TMPDIR"
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs in $build/fuzz/crashes/, logs in $build/fuzz/)"
  exit 1
fi
echo "fuzz: no crash in ${targets[*]}"
