#!/usr/bin/env bash
# Load on `hashsieve serve` from wrk on 127.0.0.1, with the CLI's own scan as the baseline:
#   1. GET /m/raw_lookup with keep-alive (hashes cycled from HASHES_FILE): requests/s and p99;
#   2. POST /v1/scan and POST /m/lookup of the JPEGs in JPEG_DIR: images/s beside
#      `hashsieve scan JPEG_DIR` images/s on the same images, alternating, and the median ratio;
#   3. a reload under load: raw_lookup load while another process imports rows into LIST (the
#      service rebuilds its index generation): failed requests and p99 of that window.
# Usage: bench/serve_bench.sh BUILD_DIR DB LIST HASHES_FILE JPEG_DIR [SECONDS]
# STEPS picks the steps (STEPS=3: only the reload; default STEPS=123); ROUNDS=N rounds of step 2 (default 3);
# CONNS the connection counts of step 1 (default "32 4"); SERVE_ARGS more options for the service
# (e.g. SERVE_ARGS="--index-layout wide").
# (bench/serve_bench.md says how its figures were made.)
set -euo pipefail
build=$1 db=$2 list=$3 hashes=$4 jpegs=$5 secs=${6:-15} steps=${STEPS:-123} rounds=${ROUNDS:-3} conns=${CONNS:-32 4}
hs=$build/bin/hashsieve
tmp=$(mktemp -d)
trap 'kill "${serve_pid:-0}" 2>/dev/null || true; rm -rf "$tmp"' EXIT

# shellcheck disable=SC2086  # SERVE_ARGS is a list of options
"$hs" serve --db "$db" --listen 127.0.0.1:0 --poll 1 ${SERVE_ARGS:-} 2>"$tmp/serve.err" &
serve_pid=$!
for _ in $(seq 600); do grep -q "listening on" "$tmp/serve.err" && break; sleep 0.5; done
port=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$tmp/serve.err" | grep -o '[0-9]*$')
url=http://127.0.0.1:$port
echo "service on $url, $(curl -s "$url/healthz")"

# wrk scripts: cycle through requests / files held in memory. The lookups are formatted once, at
# start: wrk shares the two cores, and formatting each request again cost it ~2 us of the ~10 us
# it spends a request.
cat >"$tmp/lookup.lua" <<LUA
local requests = {}
for line in io.lines("$hashes") do
  requests[#requests + 1] = wrk.format("GET", "/m/raw_lookup?signal_type=pdq&include_distance=true&signal=" .. line)
end
local i = 0
request = function()
  i = i % #requests + 1
  return requests[i]
end
LUA
ls "$jpegs"/*.jpg >"$tmp/files"
cat >"$tmp/upload.lua" <<LUA
local bodies = {}
local multipart = os.getenv("MULTIPART") == "1"
for path in io.lines("$tmp/files") do
  local f = io.open(path, "rb"); local b = f:read("*a"); f:close()
  if multipart then
    b = "--BENCH\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"x.jpg\"\r\n" ..
        "Content-Type: image/jpeg\r\n\r\n" .. b .. "\r\n--BENCH--\r\n"
  end
  bodies[#bodies + 1] = b
end
local i = 0
request = function()
  i = i % #bodies + 1
  local ctype = multipart and "multipart/form-data; boundary=BENCH" or "image/jpeg"
  return wrk.format("POST", os.getenv("TARGET"), {["Content-Type"] = ctype}, bodies[i])
end
LUA

summary() {  # wrk output -> "N req/s, p99 X, errors E"
  local rps p99 non2xx sock
  rps=$(awk '/Requests\/sec/ {print $2}' "$1")
  p99=$(awk '$1 == "99%" {print $2}' "$1")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$1"); non2xx=${non2xx:-0}
  sock=$(awk -F'[ ,]+' '/Socket errors/ {print $4+$6+$8+$10}' "$1"); sock=${sock:-0}
  echo "$rps req/s, p99 $p99, non-2xx $non2xx, socket errors $sock"
}

if [[ $steps == *1* ]]; then
for c in $conns; do
  echo "== 1. GET /m/raw_lookup, keep-alive, wrk -t1 -c$c -d${secs}s"
  wrk -t1 -c"$c" -d"${secs}s" --latency -s "$tmp/lookup.lua" "$url" >"$tmp/lookup.out"
  echo "raw_lookup, $c connections: $(summary "$tmp/lookup.out")"
done
fi

if [[ $steps == *2* ]]; then
echo "== 2. images/s on $(wc -l <"$tmp/files") JPEGs ($(du -sh "$jpegs" | cut -f1)), $rounds rounds"
# Each round runs the baseline, the CLI over the same files (its own images/s figure: the scan,
# without opening the store and building the index), then each endpoint for SECONDS, so both sides
# see the same moments of a shared machine; medians over the rounds, and the median of the rounds'
# ratios. JPEG_DIR should hold enough images for the CLI to run a few seconds (serve_corpus DIR 600):
# a sub-second run is mostly its pipeline filling and draining.
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
: >"$tmp/cli.ips"
key() { echo "${1//\//_}"; }  # /v1/scan -> _v1_scan: a file name per endpoint
for target in /v1/scan /m/lookup; do : >"$tmp/rps.$(key $target)"; : >"$tmp/ratio.$(key $target)"; done
for round in $(seq "$rounds"); do
  "$hs" scan --db "$db" "$jpegs" >/dev/null 2>"$tmp/scan.err" || true  # exit 1 = nothing matched
  ips=$(grep -o '([0-9.]* images/s)' "$tmp/scan.err" | tr -d '(' | cut -d' ' -f1)
  echo "$ips" >>"$tmp/cli.ips"
  line="round $round: hashsieve scan $ips images/s"
  for target in /v1/scan /m/lookup; do
    multipart=0; [ "$target" = /m/lookup ] && multipart=1
    TARGET=$target MULTIPART=$multipart wrk -t2 -c4 -d"${secs}s" --latency -s "$tmp/upload.lua" "$url" >"$tmp/scan.out"
    rps=$(awk '/Requests\/sec/ {print $2}' "$tmp/scan.out")
    echo "$rps" >>"$tmp/rps.$(key $target)"
    echo "$rps / $ips" | bc -l >>"$tmp/ratio.$(key $target)"
    line="$line; POST $target $(summary "$tmp/scan.out")"
  done
  echo "$line"
done
printf 'hashsieve scan: median %.1f images/s\n' "$(median <"$tmp/cli.ips")"
for target in /v1/scan /m/lookup; do
  ratios=$tmp/ratio.$(key $target)
  printf 'POST %s: median %.1f req/s; ratio to hashsieve scan, median of the rounds %.2f (range %.2f to %.2f)\n' "$target" \
    "$(median <"$tmp/rps.$(key $target)")" "$(median <"$ratios")" "$(sort -g "$ratios" | head -1)" "$(sort -g "$ratios" | tail -1)"
done
fi

if [[ $steps == *3* ]]; then
echo "== 3. reload under load: raw_lookup for ${secs}s; at 2 s another process imports 1000 rows into $list"
before=$(curl -s "$url/metrics" | awk '/^hashsieve_index_reloads_total/ {print $2}')
python3 -c "
import random
r = random.Random()  # new rows on every run, so the import changes the list
print('hash,entry_id')
for i in range(1000): print('%064x,reload-%x' % (r.getrandbits(256), r.getrandbits(64)))" >"$tmp/more.csv"
wrk -t1 -c32 -d"${secs}s" --latency -s "$tmp/lookup.lua" "$url" >"$tmp/reload.out" &
wrk_pid=$!
sleep 2
cpu() { awk -v t="$(getconf CLK_TCK)" '{print ($14 + $15) / t}' "/proc/$serve_pid/stat"; }
start=$(date +%s.%N)
"$hs" list import "$list" "$tmp/more.csv" --db "$db" >/dev/null
imported=$(date +%s.%N)
cpu_before=$(cpu)
for _ in $(seq 600); do
  now=$(curl -s "$url/metrics" | awk '/^hashsieve_index_reloads_total/ {print $2}')
  [ "$now" != "$before" ] && break
  sleep 0.1
done
served=$(date +%s.%N)
cpu_after=$(cpu)
wait $wrk_pid
printf 'import took %.1f s; the new generation was served %.1f s after the import ended\n' \
  "$(echo "$imported - $start" | bc -l)" "$(echo "$served - $imported" | bc -l)"
printf 'service CPU from the import end to the new generation: %.1f s (reload and requests)\n' \
  "$(echo "$cpu_after - $cpu_before" | bc -l)"
echo "during the reload: $(summary "$tmp/reload.out")"
curl -s "$url/metrics" | grep -E '^hashsieve_index_(generation|entries|reloads_total)'
fi

kill -TERM $serve_pid; wait $serve_pid && echo "service stopped cleanly (exit 0)"
