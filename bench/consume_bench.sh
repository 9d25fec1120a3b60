#!/usr/bin/env bash
# hashsieve consume vs hashsieve scan on the same images: images/s and CPU seconds of each, side by
# side, and the ratios (target: consume >= 90% of scan's images/s). Consume reads `path` messages from a Redis stream on a
# redis-server this script starts on a free 127.0.0.1 port; both runs are timed from process start
# until the last result is written (scan: its exit; consume: the time in the id Redis gave the
# last result entry, read once the results stream holds one entry per message), so both include
# opening the database and building the index.
#
#   bench/consume_bench.sh [BUILD_DIR] [COPIES] [ROUNDS]
# COPIES: each of the photographs in tests/data/pdq-vectors/images (106 JPEGs, up to 512x512) is
# copied this many times (default 6: 636 files); ROUNDS: alternating scan/consume pairs, the median of each is reported.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
copies=${2:-6}
rounds=${3:-3}
cli=$build/bin/hashsieve
threads=$(nproc)
work=$(mktemp -d)
redis_pid=
cleanup() {
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/redis" "$work/images"
redis-server --port "$port" --bind 127.0.0.1 --dir "$work/redis" --save "" --appendonly no \
  --logfile "$work/redis/log" &
redis_pid=$!
rc() { redis-cli -p "$port" "$@"; }
for _ in $(seq 100); do rc PING >/dev/null 2>&1 && break; sleep 0.05; done

# The corpus, and a list holding 7 of its photographs (so some uploads match).
photos=("$root"/tests/data/pdq-vectors/images/photo-*.jpg)
for c in $(seq "$copies"); do
  for p in "${photos[@]}"; do cp "$p" "$work/images/c$c-$(basename "$p")"; done
done
n=$(ls "$work/images" | wc -l)
"$cli" list create known --db "$work/db" >/dev/null
{
  echo "hash,entry_id"
  for p in "${photos[@]:0:7}"; do "$cli" hash "$p" | cut -d, -f1 | sed "s/\$/,$(basename "$p" .jpg)/"; done
} >"$work/known.csv"
"$cli" list import known "$work/known.csv" --db "$work/db" >/dev/null 2>&1

now() { date +%s.%N; }
# `python3 -c "$cpu_run" FILE COMMAND...` runs COMMAND, passing SIGTERM on to it, and writes its CPU
# seconds (user + system) to FILE: on a shared machine CPU time per image is the figure the load
# does not distort.
cpu_run='
import resource, signal, subprocess, sys
p = subprocess.Popen(sys.argv[2:])
signal.signal(signal.SIGTERM, lambda *_: p.send_signal(signal.SIGTERM))
rc = p.wait()
u = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write(f"{u.ru_utime + u.ru_stime:.2f}\n")
sys.exit(rc)'
# The Unix time (s) in a stream entry id ("<ms>-<seq>").
id_time() { python3 -c "print(int('$1'.split('-')[0]) / 1000)"; }
# Prints "end-to-end-rate steady-rate cpu-seconds": n / (process start .. last result), the
# command's own figure (scan: images/s after the index is built; consume: messages/s from its
# first message received to its last one acknowledged), and the process's CPU seconds.
run_scan() {
  local t0 t1 own
  t0=$(now)
  python3 -c "$cpu_run" "$work/cpu" "$cli" scan --db "$work/db" --threads "$threads" --report "$work/report.jsonl" "$work/images" 2>"$work/scan.err" ||
    [ $? -eq 1 ]
  t1=$(now)
  own=$(grep -o '([0-9.]* images/s)' "$work/scan.err" | tr -dc '0-9.')
  python3 -c "print(f'{$n / ($t1 - $t0):.1f} $own $(cat "$work/cpu")')"
}
run_consume() {
  local stream="uploads-$1" t0 t1 pid own
  ls "$work/images" | sed "s|^|XADD $stream * path $work/images/|" | rc >/dev/null
  t0=$(now)
  python3 -c "$cpu_run" "$work/cpu" "$cli" consume --redis "redis://127.0.0.1:$port" --db "$work/db" --consumer bench --stream "$stream" \
    --results "$stream:results" --threads "$threads" 2>"$work/consume.err" &
  pid=$!
  until [ "$(rc XLEN "$stream:results")" -ge "$n" ]; do sleep 0.25; done
  t1=$(id_time "$(rc XREVRANGE "$stream:results" + - COUNT 1 | head -1)")
  kill -TERM $pid
  wait $pid
  own=$(grep -o '([0-9.]* messages/s' "$work/consume.err" | tr -dc '0-9.')
  python3 -c "print(f'{$n / ($t1 - $t0):.1f} $own $(cat "$work/cpu")')"
}

echo "corpus: $n JPEG files (${#photos[@]} photographs of tests/data/pdq-vectors, up to 512x512, $copies copies each); threads $threads; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "round | scan img/s: end-to-end, own | consume img/s: end-to-end, own | consume/scan: end-to-end, own | CPU s: scan, consume"
scan_e=() scan_o=() cons_e=() cons_o=() scan_c=() cons_c=()
for r in $(seq "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then s=$(run_scan); c=$(run_consume "$r"); else c=$(run_consume "$r"); s=$(run_scan); fi
  read -r se so sc <<<"$s"
  read -r ce co cc <<<"$c"
  scan_e+=("$se") scan_o+=("$so") cons_e+=("$ce") cons_o+=("$co") scan_c+=("$sc") cons_c+=("$cc")
  python3 -c "print(f'{$r:5d} | {$se:8.1f} {$so:8.1f} | {$ce:8.1f} {$co:8.1f} | {$ce / $se * 100:6.1f}% {$co / $so * 100:6.1f}% | {$sc:5.2f} {$cc:5.2f}')"
done
python3 - "${scan_e[*]}" "${scan_o[*]}" "${cons_e[*]}" "${cons_o[*]}" "${scan_c[*]}" "${cons_c[*]}" <<'PY'
import statistics, sys
m = [statistics.median(map(float, a.split())) for a in sys.argv[1:]]
print(f"median end-to-end: scan {m[0]:.1f} img/s, consume {m[2]:.1f} img/s: consume/scan = {m[2] / m[0] * 100:.1f}%")
print(f"median own figure: scan {m[1]:.1f} img/s, consume {m[3]:.1f} img/s: consume/scan = {m[3] / m[1] * 100:.1f}% (target >= 90%)")
print(f"median CPU seconds: scan {m[4]:.2f}, consume {m[5]:.2f}: consume/scan = {m[5] / m[4] * 100:.1f}%")
PY
