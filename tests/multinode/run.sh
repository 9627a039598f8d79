#!/usr/bin/env bash
# Several `andel serve` nodes on one PostgreSQL under the load mix of `andel bench load`, with faults
# (issue 11 §1, §2; DESIGN.md "Running"). Starts a throwaway PostgreSQL (scripts/pg-test), a PgBouncer in
# transaction pooling mode in front of it, and three nodes on 127.0.0.1: two straight to PostgreSQL, the
# third through PgBouncer without prepared statements. Then phases of the mix:
#   steady       no fault
#   kill -9      one node is killed during the load and started again
#   pg restart   PostgreSQL stops (fast: connections cut), stays down 2 s, and starts again
#   drop         every server connection of the nodes is terminated, twice (pg_terminate_backend)
#   disk full    a node on SQLite in a small tmpfs whose disk is filled, then freed (needs mount; skipped
#                with a message when mount is not allowed)
# The mix's portal checkouts race for the 5 places of one delivery. After each phase: every acknowledged
# receipt, partner sale and portal order is booked exactly once, no ledger source is posted twice,
# `andel check ledger` passes, no portal slot is overbooked, no household balance is negative, and
# every node answers a clean round of the mix again, without being restarted by hand. During a fault a
# request may fail only with a refused or dropped connection or a 503 with Retry-After; a timeout or any
# other answer fails the test (the driver's exit code).
#
#   tests/multinode/run.sh [BUILD_DIR]     MEMBERS=3000 REQUESTS=4000 SECONDS_PER_PHASE=12 CONCURRENCY=4
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
build=$(realpath "${1:-build}")
andel=$build/andel
members=${MEMBERS:-3000}
requests=${REQUESTS:-4000}
phase_seconds=${SECONDS_PER_PHASE:-12}
concurrency=${CONCURRENCY:-4}
[ -x "$andel" ] || { echo "multinode: no $andel (build first)" >&2; exit 1; }
command -v pgbouncer >/dev/null || { echo "multinode: pgbouncer is missing (scripts/bootstrap)" >&2; exit 1; }

work=$(mktemp -d /tmp/andel-multinode.XXXXXX)
chmod 755 "$work"  # PgBouncer runs as the postgres user
pids=()
bouncer_pid=
tmpfs=
cleanup() {
  for p in "${pids[@]}" $bouncer_pid; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash scripts/pg-test stop "$work/pg" >/dev/null 2>&1 || true
  if [ -n "$tmpfs" ]; then umount "$tmpfs" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "multinode: FAILED: $*" >&2
  for f in "$work"/node*.log; do [ -f "$f" ] && { echo "--- tail of $f" >&2; tail -n 15 "$f" >&2; }; done
  exit 1
}

free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

url=$(bash scripts/pg-test start "$work/pg")
pg_port=$(cat "$work/pg/port")
psql_q() { psql -X -q -t -A -v ON_ERROR_STOP=1 "$url" "$@"; }

# PgBouncer in transaction pooling mode: a server connection is the client's for one transaction only, so
# nothing may rely on session state (issue 11 §1). query_wait_timeout bounds the wait for a server that is
# down, so the node answers 503 instead of hanging.
bouncer_port=$(free_port)
mkdir -p "$work/bouncer"
cat >"$work/bouncer/pgbouncer.ini" <<INI
[databases]
andel_test = host=127.0.0.1 port=$pg_port dbname=andel_test
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bouncer_port
unix_socket_dir =
auth_type = trust
auth_file = $work/bouncer/users.txt
pool_mode = transaction
default_pool_size = 10
max_client_conn = 200
server_reset_query =
query_wait_timeout = 3
server_connect_timeout = 3
server_login_retry = 1
ignore_startup_parameters = extra_float_digits
logfile = $work/bouncer/pgbouncer.log
pidfile = $work/bouncer/pgbouncer.pid
INI
echo '"postgres" ""' >"$work/bouncer/users.txt"
chown -R postgres: "$work/bouncer" 2>/dev/null || true
if [ "$(id -u)" -eq 0 ]; then
  runuser -u postgres -- pgbouncer "$work/bouncer/pgbouncer.ini" >/dev/null 2>&1 &
else
  pgbouncer "$work/bouncer/pgbouncer.ini" >/dev/null 2>&1 &
fi
bouncer_pid=$!
bouncer_url="postgresql://postgres@127.0.0.1:$bouncer_port/andel_test?prepared_statements=false"

echo "== prepare: migrate, the demo dataset and $members generated members, keys, sessions, logins"
"$andel" bench load --config "$root/config" --prepare --database "$url" --members "$members" \
  --plan "$work/plan.json" 2>"$work/prepare.log" | sed 's/^/   /' || { cat "$work/prepare.log" >&2; fail "prepare"; }

node_urls=("$url" "$url" "$bouncer_url")
node_ports=()
start_node() {  # index
  local i=$1
  ANDEL_LOG_LEVEL=warn ANDEL_SERVER_THREADS=2 "$andel" serve --config "$root/config" \
    --database "${node_urls[$i]}" --port "${node_ports[$i]}" >>"$work/node$i.log" 2>&1 &
  pids[i]=$!
}
wait_ready() {  # port
  for _ in $(seq 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/readyz")" = 200 ] && return 0
    sleep 0.1
  done
  return 1
}
for i in 0 1 2; do
  node_ports[i]=$(free_port)
  start_node "$i"
done
nodes=""
for i in 0 1 2; do
  wait_ready "${node_ports[$i]}" || fail "node $i did not become ready"
  nodes+="${nodes:+,}http://127.0.0.1:${node_ports[$i]}"
done
echo "== three nodes: $nodes (the third through PgBouncer, transaction mode)"

acks="$work/acknowledged.tsv"
: >"$acks"
plan=$work/plan.json
acks_to=$acks
phase=0
# Runs the mix for one phase in the background (mix_start) and waits for it (mix_finish); its
# acknowledgements are added to those of the earlier phases ($acks_to).
mix_pid=
mix_start() {  # requests, seconds, nodes
  phase=$((phase + 1))
  "$andel" bench load --config "$root/config" --plan "$plan" --nodes "$3" --seed "$phase" \
    --requests "$1" --duration "$2" --concurrency "$concurrency" --timeout-ms 8000 --run-id "p$phase-$$" \
    --acknowledged "$work/ack$phase.tsv" >"$work/mix$phase.txt" 2>&1 &
  mix_pid=$!
}
mix_finish() {  # name
  local out="$work/mix$phase.txt"
  if ! wait "$mix_pid"; then
    sed 's/^/   /' "$out"
    fail "$1: the mix had wrong answers or timeouts"
  fi
  cat "$work/ack$phase.tsv" >>"$acks_to"
  sed 's/^/   /' "$out"
}
run_mix() {  # name, requests, seconds, nodes
  mix_start "$2" "$3" "$4"
  mix_finish "$1"
}
# The refused or dropped connections of the last mix.
connection_failures() { sed -n 's/.*answers\/s; \([0-9]*\) refused or dropped.*/\1/p' "$work/mix$phase.txt"; }
answers_503() { grep -oE ' 503:[0-9]+' "$work/mix$phase.txt" | awk -F: '{s += $2} END {print s + 0}'; }

check_invariants() {  # name
  local name=$1 bad
  sort "$acks" | uniq -d | head -3 | grep -q . && fail "$name: an id was acknowledged twice"
  bad=$(psql_q <<SQL
CREATE TEMP TABLE acks (kind TEXT, owner TEXT, id TEXT);
\\copy acks FROM '$acks'
-- every acknowledged receipt and partner sale booked exactly once, with its one ledger entry when it earned
SELECT 'receipt not booked exactly once: ' || a.id FROM acks a WHERE a.kind = 'receipt' AND (
  SELECT count(*) FROM receipts r JOIN stores s ON s.id = r.store_id
  WHERE s.code = a.owner AND r.receipt_key = a.id) <> 1
UNION ALL
SELECT 'partner sale not booked exactly once: ' || a.id FROM acks a WHERE a.kind = 'partner_sale' AND (
  SELECT count(*) FROM partner_sales x JOIN partners p ON p.id = x.partner_id
  WHERE p.code = a.owner AND x.sale_key = a.id) <> 1
UNION ALL
SELECT 'portal order not booked exactly once: ' || a.id FROM acks a WHERE a.kind = 'portal_order' AND (
  SELECT count(*) FROM portal_orders o WHERE o.slot_id = CAST(a.owner AS BIGINT)
  AND split_part(o.checkout_key, ':', 2) = a.id) <> 1  -- stored as "<orderer account>:<key>"
UNION ALL
SELECT 'receipt without its ledger entry: ' || r.receipt_key FROM receipts r
  WHERE (r.bonus_minor <> 0 OR r.points <> 0) AND r.entry_id IS NULL
UNION ALL
SELECT 'partner sale without its ledger entry: ' || x.sale_key FROM partner_sales x
  WHERE x.reward <> 0 AND x.entry_id IS NULL
UNION ALL
SELECT 'ledger source posted twice: ' || source_key FROM ledger_entries
  GROUP BY source_kind, source_key HAVING count(*) > 1
UNION ALL
SELECT 'overbooked slot ' || b.slot_id || ' on ' || b.delivery_date FROM portal_slot_bookings b
  JOIN portal_slots s ON s.id = b.slot_id WHERE b.booked > s.capacity
UNION ALL
SELECT 'more orders than places: slot ' || o.slot_id || ' on ' || o.delivery_date FROM portal_orders o
  JOIN portal_slots s ON s.id = o.slot_id WHERE o.status <> 'cancelled'
  GROUP BY o.slot_id, o.delivery_date, s.capacity HAVING count(*) > s.capacity
UNION ALL
SELECT 'negative household balance: account ' || id FROM ledger_accounts
  WHERE owner_kind = 'household' AND balance < 0;
SQL
  )
  [ -z "$bad" ] || fail "$name: $(echo "$bad" | head -5)"
  "$andel" check ledger --config "$root/config" --database "$url" >"$work/check.txt" 2>&1 ||
    { cat "$work/check.txt" >&2; fail "$name: andel check ledger"; }
  local receipts sales orders
  receipts=$(grep -c '^receipt' "$acks" || true)
  sales=$(grep -c '^partner_sale' "$acks" || true)
  orders=$(grep -c '^portal_order' "$acks" || true)
  echo "   invariants hold: $receipts acknowledged receipts, $sales partner sales and $orders portal orders" \
    "each booked once; ledger checked; no slot overbooked; no negative balance"
}

# After a fault every node must serve a clean round again by itself: no failure, no 503.
check_recovered() {  # name
  for i in 0 1 2; do wait_ready "${node_ports[$i]}" || fail "$1: node $i is not ready again"; done
  run_mix "$1, then a clean round" 300 20 "$nodes"
  [ "$(connection_failures)" = 0 ] && [ "$(answers_503)" = 0 ] || fail "$1: the nodes did not recover"
}

# Runs `fault` after `delay` seconds of a phase of the mix, in this shell (a node it starts stays ours).
with_fault() {  # name, delay, fault command...
  local name=$1 delay=$2
  shift 2
  mix_start "$requests" "$phase_seconds" "$nodes"
  sleep "$delay"
  "$@" >"$work/fault.log" 2>&1 || { cat "$work/fault.log" >&2; fail "$name: the fault itself failed"; }
  mix_finish "$name"
}

echo "== steady: $requests requests at most, $phase_seconds s, $concurrency connections to each node"
run_mix steady "$requests" "$phase_seconds" "$nodes"
[ "$(connection_failures)" = 0 ] || fail "steady: connections failed without a fault"
check_invariants steady

echo "== kill -9 node 1 after 3 s, start it again 2 s later"
kill_and_restart() {
  kill -9 "${pids[1]}"
  { wait "${pids[1]}" || true; } 2>/dev/null
  sleep 2
  start_node 1
  wait_ready "${node_ports[1]}"
}
with_fault "kill -9" 3 kill_and_restart
[ "$(connection_failures)" -gt 0 ] || fail "kill -9: no request noticed the dead node"
check_invariants "kill -9"
check_recovered "kill -9"

echo "== PostgreSQL restarted after 3 s, down for 2 s"
with_fault "pg restart" 3 bash scripts/pg-test restart "$work/pg" 2
[ "$(answers_503)" -gt 0 ] || fail "pg restart: no request was answered 503 while the database was down"
check_invariants "pg restart"
check_recovered "pg restart"

echo "== every server connection of the nodes dropped after 3 s and again 2 s later"
drop_connections() {
  # Waits (up to 5 s) until each backend has gone, so its connection is closed when the fault ends.
  local q="SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity
           WHERE datname = 'andel_test' AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
  psql_q -c "$q" && sleep 2 && psql_q -c "$q"
}
with_fault drop 3 drop_connections
echo "   server connections terminated: $(tr '\n' ' ' <"$work/fault.log")"
check_invariants drop
check_recovered drop

echo "== disk full: a node on SQLite in a 24 MiB tmpfs"
mnt="$work/tmpfs"
mkdir -p "$mnt"
if mount -t tmpfs -o size=24m andel-multinode "$mnt" 2>/dev/null; then
  tmpfs=$mnt
  db="sqlite:$mnt/andel.db"
  "$andel" bench load --config "$root/config" --prepare --database "$db" --plan "$work/plan-sqlite.json" \
    >"$work/prepare-sqlite.log" 2>&1 || { cat "$work/prepare-sqlite.log" >&2; fail "disk full: prepare"; }
  node_urls[3]=$db
  node_ports[3]=$(free_port)
  start_node 3
  wait_ready "${node_ports[3]}" || fail "disk full: the SQLite node did not start"
  sqlite_node="http://127.0.0.1:${node_ports[3]}"
  dd if=/dev/zero of="$mnt/filler" bs=1M >/dev/null 2>&1 || true  # until the file system is full
  plan=$work/plan-sqlite.json
  acks_to=$work/acks-sqlite.tsv
  run_mix "disk full" 400 15 "$sqlite_node"
  [ "$(answers_503)" -gt 0 ] || fail "disk full: no write was answered 503 on the full disk"
  rm -f "$mnt/filler"
  run_mix "disk freed" 400 15 "$sqlite_node"
  [ "$(connection_failures)" = 0 ] && [ "$(answers_503)" = 0 ] || fail "disk freed: the node did not recover"
  "$andel" check ledger --config "$root/config" --database "$db" >"$work/check.txt" 2>&1 ||
    { cat "$work/check.txt" >&2; fail "disk full: andel check ledger"; }
  # Every acknowledged receipt booked exactly once on the SQLite node too.
  grep '^receipt' "$acks_to" | cut -f3 | sort >"$work/sqlite-acked"
  sqlite3 "$mnt/andel.db" "SELECT receipt_key FROM receipts r JOIN stores s ON s.id = r.store_id
    WHERE s.code = 'dk-odense-1' AND receipt_key LIKE 'Lp%'" | sort >"$work/sqlite-booked"
  missing=$(comm -23 "$work/sqlite-acked" "$work/sqlite-booked" | wc -l)
  [ "$missing" = 0 ] || fail "disk full: $missing acknowledged receipts are not booked"
  echo "   the SQLite node answered 503 while its disk was full and recovered when it was freed;" \
    "$(wc -l <"$work/sqlite-acked") acknowledged receipts booked; ledger checked"
  plan=$work/plan.json
  acks_to=$acks
else
  echo "   skipped: mount -t tmpfs is not allowed here"
fi

check_invariants "all phases"
echo "== multinode: all phases passed"
