#!/usr/bin/env bash
# api-ingress benchmark: accepted POST /v1/videos per second with a different photo in every request
# (multipart file parts, then JSON image_base64: each photo's header checked, decoded in full and
# stored, and the job committed with its outbox event), the same photo by URL beside them (labelled),
# and GET /v1/videos/{id} per second, all with wrk on loopback against a release build.
#   make bench-ingress    (or: bash Benchmarks/ingress/run.sh [seconds] [connections])
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_RUN=${1:-20}
CONNECTIONS=${2:-32}
swift build -c release --product api-ingress >&2
swift build -c release --product roomreel >&2
swift build -c release --product photo-server >&2
WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

.build/release/roomreel kafka-mock --brokers 1 > "$WORK/kafka.out" 2>"$WORK/kafka.err" & PIDS+=($!)
until BROKERS=$(grep -m1 '^127.0.0.1:' "$WORK/kafka.out" 2>/dev/null); do sleep 0.2; done
.build/release/photo-server Samples/living-room.jpg > "$WORK/photo.out" 2>/dev/null & PIDS+=($!)
until PHOTO_PORT=$(head -1 "$WORK/photo.out" 2>/dev/null) && [ -n "$PHOTO_PORT" ]; do sleep 0.2; done

# The distinct photos (Benchmarks/photos.sh; distinct.lua also gives every request its own comment segment).
PHOTO_COUNT=64
PHOTO_BYTES=$(bash Benchmarks/photos.sh "$WORK/photos" $PHOTO_COUNT)

KEY="rr_bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# One workspace floods on purpose: its rate and jobs-in-flight limits are lifted, to measure the intake
# itself (Benchmarks/fairness measures the limits).
KAFKA_BROKERS="$BROKERS" ROOMREEL_DATA_DIR="$WORK/data" INGRESS_PORT=0 LOG_LEVEL=warning \
  INGRESS_BOOTSTRAP_API_KEYS="bench:$KEY" INGRESS_FETCH_ALLOW=127.0.0.1/32 INGRESS_JOBS_PER_MINUTE=0 INGRESS_MAX_ACTIVE_JOBS=0 \
  .build/release/api-ingress > "$WORK/ingress.out" 2>"$WORK/ingress.err" & PIDS+=($!)
INGRESS_PID=$!
until PORT=$(grep -m1 'listening on port' "$WORK/ingress.out" 2>/dev/null | awk '{print $NF}') && [ -n "$PORT" ]; do sleep 0.2; done
BASE="http://127.0.0.1:$PORT"
export BENCH_KEY="$KEY" BENCH_PHOTO_URL="http://127.0.0.1:$PHOTO_PORT/room.jpg"

jobs_in_db() { python3 Benchmarks/ingress_state.py "$WORK/data" jobs; }

distinct_run() {
  BENCH_FORM=$1 BENCH_RUN=$2 BENCH_PHOTOS_DIR="$WORK/photos" BENCH_PHOTO_COUNT=$PHOTO_COUNT \
    wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s Benchmarks/ingress/distinct.lua "$BASE/v1/videos"
}
cpu_ticks() { awk '{print $14 + $15}' /proc/$INGRESS_PID/stat; }
TICKS=$(getconf CLK_TCK)

# Warm-up (first decode, SQLite caches), then the measured runs.
BENCH_FORM=multipart BENCH_RUN=0 BENCH_PHOTOS_DIR="$WORK/photos" BENCH_PHOTO_COUNT=$PHOTO_COUNT \
  wrk -t2 -c4 -d3s -s Benchmarks/ingress/distinct.lua "$BASE/v1/videos" > /dev/null
declare -A OUT ACCEPTED CPU_MS
RUN=0
for form in multipart json; do
  RUN=$((RUN + 1))
  BEFORE=$(jobs_in_db); START_TICKS=$(cpu_ticks)
  OUT[$form]=$(distinct_run $form $RUN)
  AFTER=$(jobs_in_db)
  ACCEPTED[$form]=$((AFTER - BEFORE))
  CPU_MS[$form]=$(python3 -c "print(round(($(cpu_ticks) - $START_TICKS) * 1000 / $TICKS / max(1, ${ACCEPTED[$form]}), 1))")
done
wrk -t2 -c4 -d3s -s Benchmarks/ingress/post.lua "$BASE/v1/videos" > /dev/null
BEFORE=$(jobs_in_db)
POST_OUT=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s Benchmarks/ingress/post.lua "$BASE/v1/videos")
AFTER=$(jobs_in_db)
JOB=$(python3 Benchmarks/ingress_state.py "$WORK/data" a-job)
GET_OUT=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s Benchmarks/ingress/get.lua "$BASE/v1/videos/$JOB")
RSS_KB=$(awk '/VmHWM/ {print $2}' /proc/$INGRESS_PID/status)
STORED=$(find "$WORK/data" -path '*inputs/*' -type f | wc -l)
OUTBOX=$(python3 Benchmarks/ingress_state.py "$WORK/data" outbox)

field() { echo "$1" | awk -v k="$2" '$1 == k {print $2}'; }
{
  echo "# api-ingress benchmark — $(date -u +%Y-%m-%d)"
  echo
  echo "Machine: $(nproc) cores; release build; wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}') with 2 threads and $CONNECTIONS connections, ${SECONDS_PER_RUN} s per run;"
  echo "api-ingress, the librdkafka mock cluster (1 broker) and the photo server (\`photo-server\`, Hummingbird) on the same machine. Command: \`bash Benchmarks/ingress/run.sh $SECONDS_PER_RUN $CONNECTIONS\`"
  echo
  for form in multipart json; do
    out=${OUT[$form]}
    if [ $form = multipart ]; then what="multipart/form-data, the photo as a file part"; else what="JSON, the photo as image_base64"; fi
    echo "## POST /v1/videos, a different photo every request ($what)"
    echo
    echo "$PHOTO_COUNT distinct 1600×1200 JPEGs of about $PHOTO_BYTES KB, each request with its own comment segment (no two requests of any run the same bytes): header and full decode checked, photo stored, job + outbox committed (synchronous=FULL)."
    echo
    echo "- accepted (jobs committed during the run): ${ACCEPTED[$form]}, **$(( ${ACCEPTED[$form]} / SECONDS_PER_RUN )) accepted posts/s**"
    echo "- wrk: $(field "$out" Requests/sec:) requests/s; latency p50 $(field "$out" 50%), p90 $(field "$out" 90%), **p99 $(field "$out" 99%)**"
    echo "- non-2xx answers: $(echo "$out" | awk -F': ' '/Non-2xx/ {print $2}' | tr -d ' ' | grep . || echo 0)"
    echo "- api-ingress CPU per accepted job: ${CPU_MS[$form]} ms"
    echo
  done
  echo "Distinct input photos stored in all (the warm-up's and both runs', and the one photo of the URL run): $STORED."
  echo
  echo "## POST /v1/videos, the same photo every request (labelled: not real traffic; JSON, image_url to a loopback file server)"
  echo
  echo "- accepted (jobs committed during the run): $((AFTER - BEFORE)), **$(( (AFTER - BEFORE) / SECONDS_PER_RUN )) accepted posts/s**"
  echo "- wrk: $(field "$POST_OUT" Requests/sec:) requests/s; latency p50 $(field "$POST_OUT" 50%), p90 $(field "$POST_OUT" 90%), **p99 $(field "$POST_OUT" 99%)**"
  echo "- non-2xx answers: $(echo "$POST_OUT" | awk -F': ' '/Non-2xx/ {print $2}' | tr -d ' ' | grep . || echo 0)"
  echo "- outbox rows not yet on Kafka at the end: $OUTBOX"
  echo
  echo "## GET /v1/videos/{id}"
  echo
  echo "- **$(field "$GET_OUT" Requests/sec:) reads/s**; latency p50 $(field "$GET_OUT" 50%), p90 $(field "$GET_OUT" 90%), p99 $(field "$GET_OUT" 99%)"
  echo "- non-2xx answers: $(echo "$GET_OUT" | awk -F': ' '/Non-2xx/ {print $2}' | tr -d ' ' | grep . || echo 0)"
  echo
  echo "api-ingress peak RSS: $((RSS_KB / 1024)) MB"
  echo
  echo "<details><summary>wrk output</summary>"
  echo
  echo '```'
  echo "${OUT[multipart]}"
  echo
  echo "${OUT[json]}"
  echo
  echo "$POST_OUT"
  echo
  echo "$GET_OUT"
  echo '```'
  echo "</details>"
} | tee "Benchmarks/results/ingress-$(date -u +%Y-%m-%d).md"
