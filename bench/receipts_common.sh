# Sourced by bench/receipts_batch.sh and bench/receipt_post.sh, from the repository's root.

# A work directory in $work (the PostgreSQL server runs as user postgres when we are root, so others may
# enter it), removed at exit with the server whose pid is in $pid and a PostgreSQL started in $work/pg.
bench_setup() {
  work=$(mktemp -d "/tmp/andel-$1.XXXXXX")
  chmod 755 "$work"
  pid=""
  trap bench_cleanup EXIT
}
bench_cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  bash scripts/pg-test stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}

# The Danish members' active cards: the receipts' customers.
dk_cards_sql="SELECT c.card_number FROM cards c JOIN members m ON m.id = c.member_id WHERE m.market = 'dk' AND c.status = 'active'"

# Starts a throwaway PostgreSQL 15 under DIR with durable commits and prints its URL. scripts/pg-test turns
# fsync, synchronous_commit and full_page_writes off for tests; a benchmark of durable commits turns them back
# on. bench_cleanup stops it when DIR is $work/pg.
start_durable_postgres() {
  local dir=$1 url
  url=$(bash scripts/pg-test start "$dir")
  psql -q "$url" -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET synchronous_commit = on" \
       -c "ALTER SYSTEM SET full_page_writes = on" -c "SELECT pg_reload_conf()" >/dev/null
  echo "$url"
}
