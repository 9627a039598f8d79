#!/usr/bin/env bash
# Benchmark: what a password login costs with the configured argon2id parameters (issue 4 §8). Three figures:
#   1. one argon2id hash alone (libsodium crypto_pwhash_str, the call Andel makes), timed in a small C
#      program built here against the same libsodium, with the [auth] figures of config/andel.toml;
#   2. one login at a time over HTTP (curl, POST /api/v1/auth/login): hash + session row + HTTP;
#   3. login throughput: wrk -t2 -c8 for 15 s POSTing the demo member's login, with latency percentiles
#      and the server's peak RSS (VmHWM).
# The server is `andel demo` in a temporary directory (its own ./data/andel.db), log level warn. Every
# successful login inserts a session row: that write is part of the cost. The per-address throttle counts
# failures only, so a stream of right passwords is never refused. Not a test: record the figures in
# docs/benchmarks.md.
#
#   bench/logins.sh          DURATION=15s, THREADS=2 server threads, SERIAL=20 one-at-a-time logins
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
duration=${DURATION:-15s}
threads=${THREADS:-2}
serial=${SERIAL:-20}
port=18184
andel=$root/build/andel
[ -x "$andel" ] || ninja -C "$root/build" andel
work=$(mktemp -d /tmp/andel-logins-bench.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"' EXIT

# The configured cost ([auth] of andel.toml).
iterations=$(awk -F'[=#]' '/^\[/{s=$0} s=="[auth]" && $1 ~ /^argon2_iterations/ {gsub(/ /,"",$2); print $2}' config/andel.toml)
memory_kib=$(awk -F'[=#]' '/^\[/{s=$0} s=="[auth]" && $1 ~ /^argon2_memory_kib/ {gsub(/ /,"",$2); print $2}' config/andel.toml)
echo "== argon2id cost from config/andel.toml: t=$iterations, m=$memory_kib KiB ($((memory_kib / 1024)) MiB), p=1 (libsodium)"

# 1. The hash alone.
cat > "$work/hash.c" <<'C'
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(int argc, char** argv) {
    unsigned long long t = strtoull(argv[1], 0, 10);
    size_t m = (size_t)strtoull(argv[2], 0, 10) * 1024;
    int n = atoi(argv[3]);
    char out[crypto_pwhash_STRBYTES];
    if (sodium_init() < 0) return 1;
    if (crypto_pwhash_str_alg(out, "123456", 6, t, m, crypto_pwhash_ALG_ARGON2ID13)) return 1; /* warm-up */
    double best = 1e9, sum = 0;
    for (int i = 0; i < n; ++i) {
        double s = now();
        if (crypto_pwhash_str_alg(out, "123456", 6, t, m, crypto_pwhash_ALG_ARGON2ID13)) return 1;
        double e = now() - s;
        sum += e; if (e < best) best = e;
    }
    double v = now();
    int ok = crypto_pwhash_str_verify(out, "123456", 6) == 0;
    v = now() - v;
    printf("hash: mean %.1f ms, best %.1f ms over %d (one core: %.0f hashes/s); verify %.1f ms (%s); %s\n",
           sum / n * 1e3, best * 1e3, n, n / sum, v * 1e3, ok ? "ok" : "FAILED", out);
    return 0;
}
C
cc -O2 -o "$work/hash" "$work/hash.c" -lsodium
"$work/hash" "$iterations" "$memory_kib" 20

# 2. and 3. need the demo server.
mkdir -p "$work/demo"
(cd "$work/demo" && ANDEL_LOG_LEVEL=warn ANDEL_SERVER_THREADS=$threads exec "$andel" demo --config "$root/config" --port $port) > "$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 150); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work/serve.log"; exit 1; }
db=$work/demo/data/andel.db
body='{"login": "33216744", "password": "123456"}'
first=$(curl -sS -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$port/api/v1/auth/login")
case "$first" in *'"token":"s.'*) ;; *) echo "login refused: $first"; exit 1 ;; esac
echo "== server: andel demo, $threads server threads, pid $pid, VmHWM after start $(awk '/VmHWM/{print $2}' /proc/$pid/status) kB"

echo "== one login at a time ($serial, curl, a new connection each)"
for _ in $(seq "$serial"); do
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H 'Content-Type: application/json' -d "$body" \
       "http://127.0.0.1:$port/api/v1/auth/login"
done > "$work/serial.txt"
awk '{ if ($1 != 200) bad++; t = $2 * 1000; s += t; if (min == "" || t < min) min = t }
     END { printf "login: mean %.1f ms, best %.1f ms over %d; non-200: %d\n", s / NR, min, NR, bad + 0 }' "$work/serial.txt"

cat > "$work/login.lua" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
LUA
before=$(sqlite3 "$db" "SELECT COUNT(*) FROM sessions")
echo "== wrk -t2 -c8 -d$duration POST /api/v1/auth/login (the demo member, no second step)"
wrk -t2 -c8 -d"$duration" --latency -s "$work/login.lua" "http://127.0.0.1:$port/api/v1/auth/login" | tee "$work/wrk.txt"
after=$(sqlite3 "$db" "SELECT COUNT(*) FROM sessions")
hwm=$(awk '/VmHWM/{print $2}' /proc/$pid/status)
rps=$(awk '/Requests\/sec/{print $2}' "$work/wrk.txt")
p50=$(awk '$1=="50%"{print $2}' "$work/wrk.txt"); p99=$(awk '$1=="99%"{print $2}' "$work/wrk.txt")
non2xx=$(awk '/Non-2xx/{print $NF}' "$work/wrk.txt")
echo "== summary: ${rps} logins/s, p50 $p50, p99 $p99, non-2xx ${non2xx:-0}, sessions created $((after - before)), server peak RSS (VmHWM) $((hwm / 1024)) MB"
