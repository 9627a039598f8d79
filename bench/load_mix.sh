#!/usr/bin/env bash
# Benchmark (issue 11 §5): the load mix of `andel bench load` against three `andel serve` nodes on one
# PostgreSQL, then against one node, then pgbench's TPC-B on the same server, in one run. Prints each
# table and the load average before and after. Not a test: record the figures in docs/benchmarks.md.
#
#   bench/load_mix.sh     MEMBERS=20000 DURATION=30 CONCURRENCY=8 (connections to each node) THREADS=2
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
andel=$root/build/andel
members=${MEMBERS:-20000}
duration=${DURATION:-30}
concurrency=${CONCURRENCY:-8}
threads=${THREADS:-2}
work=$(mktemp -d /tmp/andel-load-bench.XXXXXX)
chmod 755 "$work"  # the PostgreSQL server runs as the postgres user
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true;
      bash scripts/pg-test stop "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

echo "== load before: $(uptime)"
url=$(bash scripts/pg-test start "$work/pg")
"$andel" bench load --config "$root/config" --prepare --database "$url" --members "$members" \
  --plan "$work/plan.json" 2>/dev/null
nodes=""
for i in 0 1 2; do
  port=$((18300 + i))
  ANDEL_LOG_LEVEL=warn ANDEL_SERVER_THREADS=$threads "$andel" serve --config "$root/config" --database "$url" \
    --port "$port" >"$work/node$i.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  nodes+="${nodes:+,}http://127.0.0.1:$port"
done
mix() {  # nodes, connections
  "$andel" bench load --config "$root/config" --plan "$work/plan.json" --nodes "$1" --concurrency "$2" \
    --requests 100000000 --duration "$duration" --seed 42
}
echo "== three nodes, $concurrency connections to each, $duration s"
mix "$nodes" "$concurrency"
echo "== one node, $((concurrency * 3)) connections, $duration s"
mix "http://127.0.0.1:18300" "$((concurrency * 3))"
for p in "${pids[@]}"; do kill "$p"; done
wait 2>/dev/null || true
pids=()
echo "== pgbench TPC-B, scale 10, $((concurrency * 3)) clients, 2 threads, $duration s, on the same server"
pgbench -i -q -s 10 "$url" >/dev/null 2>&1
pgbench -c "$((concurrency * 3))" -j 2 -T "$duration" "$url" 2>/dev/null | grep -E "tps|latency|transactions"
echo "== load after: $(uptime)"
