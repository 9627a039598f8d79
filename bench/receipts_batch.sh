#!/usr/bin/env bash
# Benchmark: receipts (5 lines each) through POST /api/v1/till/receipts/batch on SQLite, 10 000 per request,
# identified members of a generated population, durable commits (synchronous=FULL, WAL). Prints receipts/s.
# Not a test: record the figures in docs/benchmarks.md.
#
#   bench/receipts_batch.sh [RECEIPTS] [MEMBERS]     defaults: 1 000 000 receipts, 100 000 members
set -euo pipefail
cd "$(dirname "$0")/.."
receipts=${1:-1000000}
members=${2:-100000}
batch=10000
port=18183
work=$(mktemp -d /tmp/andel-receipts-bench.XXXXXX)
andel=./build/andel
db="sqlite:$work/andel.db"

$andel generate --members "$members" --database "$db" >/dev/null
key=$($andel keys create --database "$db" --role till --name bench --store dk-odense-1 | tail -n 1)
# Cards of Danish members, to identify the customers.
sqlite3 "$work/andel.db" "SELECT c.card_number FROM cards c JOIN members m ON m.id = c.member_id WHERE m.market = 'dk' AND c.status = 'active'" > "$work/cards.txt"

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

ANDEL_LOG_LEVEL=warn $andel serve --database "$db" --port $port > "$work/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

start=$(date +%s.%N)
for f in "$work"/batch-*.ndjson; do
  curl -sS --fail-with-body -H "Authorization: Bearer $key" -H 'Content-Type: application/x-ndjson' --data-binary "@$f" \
       "http://127.0.0.1:$port/api/v1/till/receipts/batch" > "$work/last.out"
done
end=$(date +%s.%N)
posted=$(sqlite3 "$work/andel.db" "SELECT COUNT(*) FROM receipts")
refused=$(grep -vc '"status":20[01]' "$work/last.out" || true)
echo "== $posted receipts posted in $(awk -v s="$start" -v e="$end" 'BEGIN{printf "%.1f", e-s}') s: $(awk -v s="$start" -v e="$end" -v n="$posted" 'BEGIN{printf "%.0f", n/(e-s)}') receipts/s (refused in the last batch: $refused)"
"$andel" check ledger --database "$db"
