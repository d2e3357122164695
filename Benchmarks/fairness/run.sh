#!/usr/bin/env bash
# Fairness benchmark: a quiet workspace posts a different photo every 250 ms, first alone, then while
# a noisy workspace floods POST /v1/videos with wrk (32 connections, a different photo every
# request). Both run under the default limits (600 jobs a minute, bursts of 60, 200 in flight).
# Reports the quiet workspace's latency (p50, p99) and acceptance in both rounds, and what became of
# the flood (accepted, 429s). api-ingress alone on the mock cluster, release build.
#   make bench-fairness    (or: bash Benchmarks/fairness/run.sh [seconds] [connections])
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_RUN=${1:-20}
CONNECTIONS=${2:-32}
QUIET_RATE=4
swift build -c release --product api-ingress >&2
swift build -c release --product roomreel >&2
WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

.build/release/roomreel kafka-mock --brokers 1 > "$WORK/kafka.out" 2>"$WORK/kafka.err" & PIDS+=($!)
until BROKERS=$(grep -m1 '^127.0.0.1:' "$WORK/kafka.out" 2>/dev/null); do sleep 0.2; done
PHOTO_COUNT=64
bash Benchmarks/photos.sh "$WORK/photos" $PHOTO_COUNT > /dev/null

NOISY_KEY="rr_noisy_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
QUIET_KEY="rr_quiet_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
KAFKA_BROKERS="$BROKERS" ROOMREEL_DATA_DIR="$WORK/data" INGRESS_PORT=0 LOG_LEVEL=warning \
  INGRESS_BOOTSTRAP_API_KEYS="noisy:$NOISY_KEY,quiet:$QUIET_KEY" \
  .build/release/api-ingress > "$WORK/ingress.out" 2>"$WORK/ingress.err" & PIDS+=($!)
until PORT=$(grep -m1 'listening on port' "$WORK/ingress.out" 2>/dev/null | awk '{print $NF}') && [ -n "$PORT" ]; do sleep 0.2; done
BASE="http://127.0.0.1:$PORT"
jobs_of() { python3 Benchmarks/ingress_state.py "$WORK/data" jobs "$1"; }
quiet() { python3 Benchmarks/openloop.py "$BASE" "$QUIET_KEY" "$WORK/photos" $PHOTO_COUNT $QUIET_RATE "$SECONDS_PER_RUN" "$1"; }

ALONE=$(quiet alone)
BENCH_KEY="$NOISY_KEY" BENCH_FORM=multipart BENCH_RUN=1 BENCH_PHOTOS_DIR="$WORK/photos" BENCH_PHOTO_COUNT=$PHOTO_COUNT \
  wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s Benchmarks/ingress/distinct.lua "$BASE/v1/videos" > "$WORK/flood.txt" &
FLOOD_PID=$!
FLOODED=$(quiet flooded)
wait $FLOOD_PID
FLOOD=$(cat "$WORK/flood.txt")
NOISY_JOBS=$(jobs_of noisy)
QUIET_JOBS=$(jobs_of quiet)

value() { echo "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$2"; }
field() { echo "$1" | awk -v k="$2" '$1 == k {print $2}'; }
{
  echo "# Fairness benchmark — $(date -u +%Y-%m-%d)"
  echo
  echo "Machine: $(nproc) cores; release build; api-ingress alone on the librdkafka mock cluster (1 broker), default limits"
  echo "(600 jobs a minute, bursts of 60, 200 in flight per workspace). The quiet workspace posts $QUIET_RATE jobs a second, open loop,"
  echo "a different 1600×1200 photo in every request (multipart); the noisy one floods with wrk, 2 threads and $CONNECTIONS connections,"
  echo "a different photo in every request. ${SECONDS_PER_RUN} s per round. Command: \`bash Benchmarks/fairness/run.sh $SECONDS_PER_RUN $CONNECTIONS\`"
  echo
  echo "| quiet workspace | sent | accepted | p50 | p99 | max |"
  echo "|---|---|---|---|---|---|"
  echo "| alone | $(value "$ALONE" sent) | $(value "$ALONE" accepted) | $(value "$ALONE" p50_ms) ms | $(value "$ALONE" p99_ms) ms | $(value "$ALONE" max_ms) ms |"
  echo "| while the noisy one floods | $(value "$FLOODED" sent) | $(value "$FLOODED" accepted) | $(value "$FLOODED" p50_ms) ms | **$(value "$FLOODED" p99_ms) ms** | $(value "$FLOODED" max_ms) ms |"
  echo
  echo "Quiet answers by status: alone $(value "$ALONE" statuses), flooded $(value "$FLOODED" statuses)."
  echo
  echo "## The flood"
  echo
  echo "- wrk: $(field "$FLOOD" Requests/sec:) requests/s; latency p50 $(field "$FLOOD" 50%), p99 $(field "$FLOOD" 99%)"
  echo "- accepted (noisy jobs in the database): $NOISY_JOBS; refused (non-2xx, 429 RATE_LIMITED or TOO_MANY_ACTIVE_JOBS): $(echo "$FLOOD" | awk -F': ' '/Non-2xx/ {print $2}' | tr -d ' ' | grep . || echo 0)"
  echo "- quiet jobs in the database: $QUIET_JOBS"
  echo
  echo "<details><summary>wrk output</summary>"
  echo
  echo '```'
  echo "$FLOOD"
  echo '```'
  echo "</details>"
} | tee "Benchmarks/results/fairness-$(date -u +%Y-%m-%d).md"
