#!/usr/bin/env bash
# Soak run (issue 11 §2; not a test, not in CI): one `andel serve` node on a throwaway PostgreSQL under the
# load mix of `andel bench load` for DURATION seconds, in rounds of ROUND seconds (each round a new driver
# process with its own connections, seed and ids). After every round the node's resident memory (VmRSS),
# its peak (VmHWM), open file descriptors and threads are read from /proc, with the round's throughput and
# p99 of the till's receipts. At the end: the growth of RSS and descriptors after the warm-up (the first
# WARMUP seconds), and `andel check ledger`. Record the table in docs/benchmarks.md.
#
#   bench/soak.sh     ANDEL=build/andel DURATION=1800 ROUND=60 WARMUP=300 MEMBERS=20000 CONCURRENCY=8 THREADS=2
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
andel=${ANDEL:-$root/build/andel}
duration=${DURATION:-1800}
round=${ROUND:-60}
warmup=${WARMUP:-300}
members=${MEMBERS:-20000}
concurrency=${CONCURRENCY:-8}
threads=${THREADS:-2}
[ -x "$andel" ] || { echo "soak: no $andel (build first)" >&2; exit 1; }
work=$(mktemp -d /tmp/andel-soak.XXXXXX)
chmod 755 "$work"  # the PostgreSQL server runs as the postgres user
node=
trap '[ -n "$node" ] && kill "$node" 2>/dev/null; wait 2>/dev/null || true;
      bash scripts/pg-test stop "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

echo "== $(date -u +%FT%TZ), load before: $(uptime)"
url=$(bash scripts/pg-test start "$work/pg")
"$andel" bench load --config "$root/config" --prepare --database "$url" --members "$members" \
  --plan "$work/plan.json" 2>/dev/null
port=18400
ANDEL_LOG_LEVEL=warn ANDEL_SERVER_THREADS=$threads "$andel" serve --config "$root/config" --database "$url" \
  --port "$port" >"$work/node.log" 2>&1 &
node=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$node/status"; }
sample() {  # elapsed seconds, answers/s, receipt p99
  printf "%7s %10s %12s %9s %9s %5s %8s\n" "$1" "$2" "$3" "$(( $(kb VmRSS) / 1024 ))" \
    "$(( $(kb VmHWM) / 1024 ))" "$(ls "/proc/$node/fd" | wc -l)" "$(kb Threads)"
}
printf "%7s %10s %12s %9s %9s %5s %8s\n" "elapsed" "answers/s" "receipt p99" "RSS MB" "peak MB" "fds" "threads"
sample 0 - -
start=$(date +%s)
rounds=0
while [ $(( $(date +%s) - start )) -lt "$duration" ]; do
  rounds=$((rounds + 1))
  out=$("$andel" bench load --config "$root/config" --plan "$work/plan.json" --nodes "http://127.0.0.1:$port" \
    --concurrency "$concurrency" --requests 100000000 --duration "$round" --seed "$rounds" \
    --run-id "soak$rounds-$$" 2>>"$work/driver.log") || { echo "$out"; echo "soak: round $rounds failed" >&2; exit 1; }
  rate=$(sed -n 's/^total: .* = \([0-9.]*\) answers\/s.*/\1/p' <<<"$out")
  p99=$(awk '$1 == "receipt" {print $6}' <<<"$out")
  elapsed=$(( $(date +%s) - start ))
  line=$(sample "$elapsed" "$rate" "$p99")
  echo "$line"
  echo "$elapsed $(kb VmRSS) $(ls "/proc/$node/fd" | wc -l)" >>"$work/samples"
done
kill -0 "$node" 2>/dev/null || { echo "soak: the node died" >&2; tail "$work/node.log" >&2; exit 1; }
awk -v w="$warmup" '$1 >= w && !s {s = 1; r0 = $2; f0 = $3} {r1 = $2; f1 = $3}
  END {printf "after warm-up (%d s): RSS %.1f -> %.1f MB (%+.1f MB), fds %d -> %d\n", w, r0/1024, r1/1024, (r1-r0)/1024, f0, f1}' \
  "$work/samples"
"$andel" check ledger --config "$root/config" --database "$url" | tail -2
echo "== $(date -u +%FT%TZ), load after: $(uptime)"
