#!/usr/bin/env bash
# Benchmark: receipts (5 lines each) through POST /api/v1/till/receipts/batch, 10 000 per request, identified
# members of a generated population, durable commits: SQLite in WAL mode with synchronous=FULL, and/or a local
# PostgreSQL 15 with fsync, synchronous_commit and full_page_writes on. In the same run, pgbench's built-in
# TPC-B on that PostgreSQL (1 client, then 8), for the ratio receipts/s : TPS. Prints receipts/s and the
# server's CPU seconds. Not a test: record the figures in docs/benchmarks.md.
# CLIENTS store back-ends upload at once, each its own store's batches one after another (at the end of the
# day, many stores upload): the server parses and answers one upload while it writes another.
#
#   bench/receipts_batch.sh [RECEIPTS] [MEMBERS] [ENGINES] [CLIENTS]
#       defaults: 1 000 000 receipts, 100 000 members, "sqlite postgres", 1 client (at most 4)
set -euo pipefail
cd "$(dirname "$0")/.."
receipts=${1:-1000000}
members=${2:-100000}
engines=${3:-sqlite postgres}
clients=${4:-1}
stores=(dk-odense-1 dk-svendborg-1 dk-nyborg-1 dk-faaborg-1)
[ "$clients" -ge 1 ] && [ "$clients" -le ${#stores[@]} ] || { echo "CLIENTS: 1 to ${#stores[@]}" >&2; exit 2; }
batch=10000
port=18183
source bench/receipts_common.sh
bench_setup receipts-bench
andel=./build/andel

pg_url=""
if [[ " $engines " == *" postgres "* ]]; then
  pg_url=$(start_durable_postgres "$work/pg")
  echo "== pgbench TPC-B, scale 10, 30 s, on the same PostgreSQL (durable)"
  pgbench -i -q -s 10 "$pg_url" >/dev/null 2>&1
  for pg_clients in 1 8; do
    tps=$(pgbench -c "$pg_clients" -j "$(( pg_clients < 2 ? 1 : 2 ))" -T 30 "$pg_url" 2>/dev/null |
          sed -n 's/^tps = \([0-9.]*\).*/\1/p')
    echo "pgbench, $pg_clients client(s): $tps TPS"
  done
  psql -q "$pg_url" -c "DROP TABLE pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers" >/dev/null
fi

# NDJSON files of `batch` receipts each, from the Danish members' cards in cards.txt.
make_batches() {
  python3 - "$work" "$receipts" "$batch" <<'PY'
import json, random, sys
work, total, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
cards = open(f"{work}/cards.txt").read().split()
random.seed(7)
cats = ["groceries"] * 8 + ["dairy", "bakery", "tobacco", "alcohol"]
for b in range(total // batch):
    with open(f"{work}/batch-{b:04d}.ndjson", "w") as f:
        for i in range(batch):
            n = b * batch + i
            lines = [{"sku": str(7300000000000 + random.randrange(5000)), "category": random.choice(cats),
                      "amount_minor": random.randrange(500, 20000)} for _ in range(5)]
            total_minor = sum(l["amount_minor"] for l in lines)
            f.write(json.dumps({"receipt_id": f"T1-{n:09d}", "till": "1",
                                "occurred_at": "2026-11-23T%02d:%02d:%02dZ" % (8 + n // 360000 % 12, n // 6000 % 60, n // 100 % 60),
                                "customer": {"card": random.choice(cards)}, "lines": lines,
                                "tenders": [{"kind": "card", "amount_minor": total_minor}]}) + "\n")
PY
}

for engine in $engines; do
  case $engine in
    sqlite) db="sqlite:$work/andel.db"; sql() { sqlite3 "$work/andel.db" "$1"; } ;;
    postgres) db="$pg_url"; sql() { psql -qtA "$pg_url" -c "$1"; } ;;
    *) echo "unknown engine $engine" >&2; exit 2 ;;
  esac
  $andel generate --members "$members" --database "$db" >/dev/null
  keys=()
  for ((c = 0; c < clients; c++)); do
    keys+=("$($andel keys create --database "$db" --role till --name "bench $c" --store "${stores[$c]}" | tail -n 1)")
  done
  sql "$dk_cards_sql" > "$work/cards.txt"
  make_batches

  ANDEL_LOG_LEVEL=warn $andel serve --database "$db" --port $port > "$work/serve-$engine.log" 2>&1 &
  pid=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
  cpu_start=$(cpu)
  start=$(date +%s.%N)
  upload() {  # client number: every CLIENTS-th batch, with that client's store key
    local c=$1 n=0 f
    for f in "$work"/batch-*.ndjson; do
      if (( n++ % clients == c )); then
        curl -sS --fail-with-body -H "Authorization: Bearer ${keys[$c]}" -H 'Content-Type: application/x-ndjson' \
             --data-binary "@$f" "http://127.0.0.1:$port/api/v1/till/receipts/batch" > "$work/last-$c.out"
      fi
    done
  }
  uploaders=()
  for ((c = 0; c < clients; c++)); do upload "$c" & uploaders+=($!); done
  for u in "${uploaders[@]}"; do wait "$u"; done
  end=$(date +%s.%N)
  cpu_end=$(cpu)
  ticks=$(getconf CLK_TCK)
  posted=$(sql "SELECT COUNT(*) FROM receipts")
  refused=$(cat "$work"/last-*.out | grep -vc '"status":20[01]' || true)
  echo "== $engine: $posted receipts posted in $(awk -v s="$start" -v e="$end" 'BEGIN{printf "%.1f", e-s}') s:" \
       "$(awk -v s="$start" -v e="$end" -v n="$posted" 'BEGIN{printf "%.0f", n/(e-s)}') receipts/s;" \
       "server CPU $(awk -v a="$cpu_start" -v b="$cpu_end" -v t="$ticks" 'BEGIN{printf "%.1f", (b-a)/t}') s" \
       "($clients client(s); refused in the last batches: $refused; load average $(cut -d' ' -f1-3 /proc/loadavg))"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  "$andel" check ledger --database "$db"
  rm -f "$work"/batch-*.ndjson
done
