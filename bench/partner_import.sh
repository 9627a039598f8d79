#!/usr/bin/env bash
# Benchmark (issue 5 §6): `andel import partner-sales` of a generated CSV file on SQLite (durable commits,
# WAL), sales of random Danish members of a generated population, 1 to 3 lines each. Prints the import's
# own summary, the wall time and the peak RSS. Not a test: record the figures in docs/benchmarks.md.
#
#   bench/partner_import.sh [ROWS] [MEMBERS]     defaults: 1 000 000 rows, 100 000 members
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
members=${2:-100000}
work=$(mktemp -d /tmp/andel-partner-bench.XXXXXX)
andel=./build/andel
db="sqlite:$work/andel.db"

$andel generate --members "$members" --database "$db" >/dev/null
$andel partners add --database "$db" --code dk-bench-optician --market dk --name "Bench Optik" \
    --category home --how both --from 2026-01-01 >/dev/null
$andel partners agreement --database "$db" --partner dk-bench-optician --category glasses \
    --label "Briller" --rate-bp 500 --from 2026-01-01 >/dev/null
$andel partners agreement --database "$db" --partner dk-bench-optician --category subscriptions \
    --label "Abonnementer" --rate-bp 100 --from 2026-01-01 >/dev/null
sqlite3 "$work/andel.db" "SELECT m.member_number FROM members m JOIN household_members hm ON hm.member_id = m.id WHERE m.market = 'dk' AND m.status = 'active' AND m.kind = 'member'" > "$work/members.txt"

# Sales of the last 300 days before today, a row per line; consecutive rows of one sale share its id.
python3 - "$work" "$rows" <<'PY'
import datetime, random, sys
work, total = sys.argv[1], int(sys.argv[2])
members = open(f"{work}/members.txt").read().split()
random.seed(11)
today = datetime.date.today()
with open(f"{work}/sales.csv", "w") as f:
    f.write("sale_id,member_number,sale_date,category,amount,currency\n")
    n = sale = 0
    while n < total:
        sale += 1
        member = random.choice(members)
        day = (today - datetime.timedelta(days=random.randrange(1, 300))).isoformat()
        for k in range(min(random.choice([1, 1, 2, 3]), total - n)):
            category = "glasses" if k == 0 else "subscriptions"
            f.write(f"B-{sale:08d},{member},{day},{category},{random.randrange(100, 500000) / 100:.2f},DKK\n")
            n += 1
PY
ls -l "$work/sales.csv" | awk '{printf "file: %.1f MB\n", $5 / 1048576}'
/usr/bin/time -f "wall %e s, user %U s, sys %S s, peak RSS %M KB" \
    $andel import partner-sales "$work/sales.csv" --partner dk-bench-optician --database "$db" || true
$andel check ledger --database "$db"
echo "work directory: $work"
