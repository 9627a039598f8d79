#!/usr/bin/env bash
# Benchmark: till lookup by card number over HTTP (issue: foundation §7), against nginx serving a static
# JSON file of the same size, both with wrk (keep-alive, 64 connections) on this machine. Prints requests/s,
# latency percentiles and the server's peak RSS. Not a test: record the figures in docs/benchmarks.md.
#
#   bench/till_lookup.sh [DB]   DB defaults to /tmp/andel-bench/andel.db; it is generated with
#                               4 000 000 members when missing (andel generate --members 4000000).
set -euo pipefail
cd "$(dirname "$0")/.."
db=${1:-/tmp/andel-bench/andel.db}
members=${MEMBERS:-4000000}
duration=${DURATION:-20s}
port=18181
nginx_port=18182
work=$(mktemp -d /tmp/andel-till-bench.XXXXXX)
chmod 755 "$work"  # nginx workers read www/ as another user
andel=./build/andel

if [ ! -f "$db" ]; then
  mkdir -p "$(dirname "$db")"
  /usr/bin/time -f "generate: %e s, peak RSS %M KB" $andel generate --members "$members" --database "sqlite:$db"
fi
cards=$(sqlite3 "$db" "SELECT COUNT(*) FROM cards")
key=$($andel keys create --database "sqlite:$db" --role till --name bench --store se-umea-1 | tail -n 1)

# The Lua script picks a random existing card per request (serials 1..cards, Luhn check digit).
cat > "$work/cards.lua" <<LUA
math.randomseed(42)
local n = $cards
local function luhn(body)
  local sum, twice = 0, true
  for i = #body, 1, -1 do
    local d = tonumber(body:sub(i, i))
    if twice then d = d * 2; if d > 9 then d = d - 9 end end
    sum = sum + d; twice = not twice
  end
  return tostring((10 - sum % 10) % 10)
end
request = function()
  local body = string.format("6047%011d", math.random(1, n))
  return wrk.format("GET", "/api/v1/till/cards/" .. body .. luhn(body),
                    { ["Authorization"] = "Bearer $key" })
end
LUA

ANDEL_LOG_LEVEL=warn ANDEL_SERVER_THREADS=${THREADS:-2} $andel serve --database "sqlite:$db" --port $port > "$work/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill $(cat "$work/nginx.pid") 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
# At start the server runs its periodic jobs once (inactivity, expiry, erasure: each scans the 4 000 000
# members, about 40 s here); a till sees the steady state between those hourly runs, so wait until the
# server's CPU use falls under 5 % for two seconds running (at most 5 minutes).
quiet=0; prev=$(awk '{print $14 + $15}' /proc/$pid/stat)
for _ in $(seq 300); do
  sleep 1; now=$(awk '{print $14 + $15}' /proc/$pid/stat)
  if [ $((now - prev)) -lt 5 ]; then quiet=$((quiet + 1)); else quiet=0; fi
  prev=$now; [ $quiet -ge 2 ] && break
done

# A response of the same size for nginx.
sample=$(curl -s -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/v1/till/cards/6047000000000010")
mkdir -p "$work/www"; printf '%s' "$sample" > "$work/www/identity.json"
cat > "$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  server { listen 127.0.0.1:$nginx_port; root $work/www; }
}
NGINX
nginx -c "$work/nginx.conf"

echo "== andel: GET /api/v1/till/cards/{card}, $cards cards, wrk -t2 -c64 -d$duration"
sampler() { peak=0; while kill -0 $pid 2>/dev/null; do r=$(awk '/VmRSS/{print $2}' /proc/$pid/status 2>/dev/null || echo 0); [ "${r:-0}" -gt "$peak" ] && peak=$r && echo $peak > "$work/peak"; sleep 0.2; done; }
sampler &
wrk -t2 -c64 -d"$duration" --latency -s "$work/cards.lua" "http://127.0.0.1:$port" | tee "$work/andel.txt"
echo "== nginx: the same response as a static file (${#sample} bytes)"
wrk -t2 -c64 -d"$duration" --latency "http://127.0.0.1:$nginx_port/identity.json" | tee "$work/nginx.txt"
echo "== andel: GET /healthz through the same server and router (no database, no key): the HTTP ceiling"
wrk -t2 -c64 -d"$duration" --latency "http://127.0.0.1:$port/healthz" | tee "$work/healthz.txt"
h=$(awk '/Requests\/sec/{print $2}' "$work/healthz.txt")
a=$(awk '/Requests\/sec/{print $2}' "$work/andel.txt"); n=$(awk '/Requests\/sec/{print $2}' "$work/nginx.txt")
echo "== summary: andel $a req/s, nginx $n req/s, ratio $(awk -v a="$a" -v n="$n" 'BEGIN{printf "%.2f", a/n}'), andel peak RSS $(( $(cat "$work/peak") / 1024 )) MB; /healthz $h req/s"
