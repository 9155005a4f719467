#!/bin/bash
# bench/flood_gb.sh - a guest floods port 0xE9 with 1 GiB (rep outsb, 4 KiB
# at a time: tests/guests/hostile_flood_gb.S) through a pipe; prints the
# bytes that arrived, the rate and vmm's VmRSS over the run. Not part of
# make check (tests/hostile/guests.sh runs 1 MiB). On kvm_pvm every byte is
# a VM exit (~8 us), so the whole GiB takes hours there: FLOOD_SECONDS=N
# stops it after N seconds (--timeout; exit status 4 is then expected).
#
#   make tests/guests/hostile_flood_gb.elf && bench/flood_gb.sh
#   FLOOD_SECONDS=60 bench/flood_gb.sh
set -u
top=${VMM_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
guest=$top/tests/guests/hostile_flood_gb.elf
[ -f "$guest" ] || { echo "flood_gb: build $guest first (make tests/guests/hostile_flood_gb.elf)" >&2; exit 2; }
args=()
[ -n "${FLOOD_SECONDS:-}" ] && args+=(--timeout="$FLOOD_SECONDS")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkfifo "$tmp/pipe"
wc -c <"$tmp/pipe" >"$tmp/count" &
reader=$!
start=$(date +%s.%N)
"$top/vmm" "${args[@]}" "$guest" >"$tmp/pipe" 2>"$tmp/err" </dev/null &
vmm=$!
rss_min= rss_max=0 n=0
while kill -0 "$vmm" 2>/dev/null; do
	r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$vmm/status" 2>/dev/null)
	if [ -n "$r" ]; then
		[ -z "$rss_min" ] || [ "$r" -lt "$rss_min" ] && rss_min=$r
		[ "$r" -gt "$rss_max" ] && rss_max=$r
	fi
	n=$((n + 1))
	sleep 1
done
wait "$vmm"; rc=$?
wait "$reader"
end=$(date +%s.%N)
bytes=$(cat "$tmp/count")
awk -v b="$bytes" -v s="$start" -v e="$end" -v rc="$rc" -v lo="${rss_min:-0}" -v hi="$rss_max" 'BEGIN {
	t = e - s
	printf "flood_gb: %d bytes (%.1f MiB) in %.1f s: %.2f MiB/s, %.2f us/byte; vmm exit %d\n",
		b, b / 1048576, t, b / 1048576 / t, t * 1e6 / (b ? b : 1), rc
	printf "flood_gb: vmm VmRSS %d-%d KiB over the run (sampled each second)\n", lo, hi
}'
grep -v '^  ' "$tmp/err" | sed 's/^/flood_gb: /'
