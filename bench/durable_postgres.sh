# Sourced by the benchmarks: starts a throwaway PostgreSQL 15 under DIR with durable commits and prints its URL.
# scripts/pg-test turns fsync, synchronous_commit and full_page_writes off for tests; a benchmark of durable
# commits turns them back on. Stop it with `bash scripts/pg-test stop DIR`.
start_durable_postgres() {
  local dir=$1 url
  url=$(bash scripts/pg-test start "$dir")
  psql -q "$url" -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET synchronous_commit = on" \
       -c "ALTER SYSTEM SET full_page_writes = on" -c "SELECT pg_reload_conf()" >/dev/null
  echo "$url"
}
