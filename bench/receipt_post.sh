#!/usr/bin/env bash
# Benchmark: single receipts (5 lines each), POST /api/v1/till/receipts, at a fixed rate (open loop: latency
# counted from when each request was due), identified members of a generated population, durable commits:
# SQLite in WAL mode with synchronous=FULL, and/or a local PostgreSQL 15 with fsync, synchronous_commit and
# full_page_writes on. Target: p99 < 10 ms at 1 000 requests/s. Prints the client's latency percentiles and
# the server's CPU seconds. Not a test: record the figures in docs/benchmarks.md.
#
# The receipts come from STORES Danish stores in turn (a chain's 1 000 receipts a second come from many
# stores; each store's funding account is a row that its receipts update one after another).
#
#   bench/receipt_post.sh [RATE] [SECONDS] [MEMBERS] [ENGINES] [STORES]
#       defaults: 1 000 requests/s, 60 s, 100 000 members, "sqlite postgres", 8 stores (1 to 8)
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-1000}
seconds=${2:-60}
members=${3:-100000}
engines=${4:-sqlite postgres}
store_count=${5:-8}
stores=(dk-odense-1 dk-svendborg-1 dk-nyborg-1 dk-faaborg-1 dk-roskilde-1 dk-koege-1 dk-holbaek-1 dk-naestved-1)
[ "$store_count" -ge 1 ] && [ "$store_count" -le ${#stores[@]} ] || { echo "STORES: 1 to ${#stores[@]}" >&2; exit 2; }
port=18184
source bench/receipts_common.sh
bench_setup receipt-post-bench
andel=./build/andel
ninja -C build receipt_post_bench >/dev/null

for engine in $engines; do
  case $engine in
    sqlite) db="sqlite:$work/andel.db"; sql() { sqlite3 "$work/andel.db" "$1"; } ;;
    postgres)
      db=$(start_durable_postgres "$work/pg"); sql() { psql -qtA "$db" -c "$1"; } ;;
    *) echo "unknown engine $engine" >&2; exit 2 ;;
  esac
  $andel generate --members "$members" --database "$db" >/dev/null
  keys=()
  for ((s = 0; s < store_count; s++)); do
    keys+=(--key "$($andel keys create --database "$db" --role till --name "bench $s" --store "${stores[$s]}" | tail -n 1)")
  done
  sql "$dk_cards_sql" > "$work/cards.txt"

  ANDEL_LOG_LEVEL=warn $andel serve --database "$db" --port $port > "$work/serve-$engine.log" 2>&1 &
  pid=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
  # A short warm-up at the same rate fills the caches and the statement caches; its receipts are posted too.
  ./build/bench/receipt_post_bench --port $port "${keys[@]}" --cards "$work/cards.txt" --rate "$rate" \
      --seconds 5 --run-id "warm-$engine" >/dev/null || true
  cpu_start=$(cpu)
  echo "== $engine, $rate requests/s for $seconds s, from $store_count store(s):"
  status=0
  ./build/bench/receipt_post_bench --port $port "${keys[@]}" --cards "$work/cards.txt" --rate "$rate" \
      --seconds "$seconds" --run-id "$engine" || status=$?
  cpu_end=$(cpu)
  echo "server CPU $(awk -v a="$cpu_start" -v b="$cpu_end" -v t="$(getconf CLK_TCK)" 'BEGIN{printf "%.1f", (b-a)/t}') s;" \
       "receipts in the database: $(sql "SELECT COUNT(*) FROM receipts"); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  "$andel" check ledger --database "$db"
  [ "$status" = 0 ] || echo "some answers were not 201 (exit $status)"
done
