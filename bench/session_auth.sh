#!/usr/bin/env bash
# Benchmark: what checking a session costs per request (issue 4 §8; target: authenticated ≥ 0.8 ×
# unauthenticated). The authenticator runs for every route, so GET /healthz without an Authorization header
# against the same with a valid session bearer token measures the session check alone: one SQL read
# (sessions JOIN accounts JOIN members, AccountRepository::FindSessionPrincipal) plus a "last used" write
# at most once a minute. Also GET /api/v1/auth/session with the token (a route that needs the session).
# wrk -t2 -c64 with keep-alive, each run DURATION; the server is `andel demo` in a temporary directory
# with 2 server threads, log level warn. Not a test: record the figures in docs/benchmarks.md.
#
#   bench/session_auth.sh        DURATION=15s, THREADS=2; PERF=1 also records `perf record -g` on the server
#                                for 10 s during each /healthz run (without and with the token) and prints
#                                the top symbols, libraries and the inclusive time of the request path
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
duration=${DURATION:-15s}
threads=${THREADS:-2}
port=18185
andel=$root/build/andel
[ -x "$andel" ] || ninja -C "$root/build" andel
work=$(mktemp -d /tmp/andel-session-bench.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"' EXIT

mkdir -p "$work/demo"
(cd "$work/demo" && ANDEL_LOG_LEVEL=warn ANDEL_SERVER_THREADS=$threads exec "$andel" demo --config "$root/config" --port $port) > "$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 150); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work/serve.log"; exit 1; }

login=$(curl -sS -H 'Content-Type: application/json' -d '{"login": "33216744", "password": "123456"}' \
             "http://127.0.0.1:$port/api/v1/auth/login")
token=$(printf '%s' "$login" | sed -n 's/.*"token":"\(s\.[0-9a-f]\{64\}\)".*/\1/p')
[ -n "$token" ] || { echo "login refused: $login"; exit 1; }
# The token must really be checked: the session route answers 200 with it and 401 without.
code_with=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/auth/session")
code_without=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/v1/auth/session")
echo "== andel demo, $threads server threads; GET /api/v1/auth/session: $code_with with the token, $code_without without"

run() {  # name, then wrk arguments
  local name=$1; shift
  echo "== $name: wrk -t2 -c64 -d$duration $*"
  wrk -t2 -c64 -d"$duration" --latency "$@" | tee "$work/$name.txt"
}
figures() { awk '/Requests\/sec/{r=$2} $1=="50%"{p50=$2} $1=="99%"{p99=$2} /Non-2xx/{bad=$NF}
                 END{printf "%s req/s, p50 %s, p99 %s, non-2xx %d", r, p50, p99, bad}' "$work/$1.txt"; }

# PERF=1: 10 s of `perf record -g` on the server, 3 s into a run.
perf_jobs=
perf_during() { [ "${PERF:-0}" = 1 ] || return 0; (sleep 3; perf record -g -F 999 -p $pid -o "$work/$1.perf" -- sleep 10 >/dev/null 2>&1) & perf_jobs="$perf_jobs $!"; }
perf_show() {  # name: top symbols (self), libraries (self), inclusive time of the request path
  for j in $perf_jobs; do wait "$j" || true; done
  local report="perf report -i $work/$1.perf --stdio -g none"
  echo "== perf, $1 run: top symbols (self time)"
  { $report --no-children --sort dso,symbol 2>/dev/null || true; } | grep '%' | grep -v '^#' | sed 's/ *$//' | head -20 || true
  echo "== perf, $1 run: by library (self time)"
  { $report --no-children --sort dso 2>/dev/null || true; } | grep '%' | grep -v '^#' | sed 's/ *$//' | head -8 || true
  echo "== perf, $1 run: inclusive time (children) of the request path"
  { $report --children --sort symbol 2>/dev/null || true; } | grep '%' | grep -v '^#' | sed 's/ *$//' |
    grep -E 'Router::Handle|Authenticate|FindSessionPrincipal|Sha256Hex|sqlite3_(prepare|step|finalize|reset)|Database::Read|QueryOne|Connection::Respond|__libc_sendmsg|__libc_recvmsg|epoll_wait|fcntl|futex' | head -20 || true
}

perf_during anonymous
run anonymous "http://127.0.0.1:$port/healthz"
perf_during bearer
run bearer -H "Authorization: Bearer $token" "http://127.0.0.1:$port/healthz"
run session_route -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/auth/session"

a=$(awk '/Requests\/sec/{print $2}' "$work/anonymous.txt")
b=$(awk '/Requests\/sec/{print $2}' "$work/bearer.txt")
echo "== summary"
echo "GET /healthz, no Authorization:        $(figures anonymous)"
echo "GET /healthz, session bearer:          $(figures bearer)"
echo "GET /api/v1/auth/session, bearer:      $(figures session_route)"
echo "ratio authenticated / unauthenticated: $(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.2f", b/a}') (target >= 0.8)"
echo "server peak RSS (VmHWM): $(( $(awk '/VmHWM/{print $2}' /proc/$pid/status) / 1024 )) MB"
if [ "${PERF:-0}" = 1 ]; then
  perf_show anonymous
  perf_show bearer
fi
