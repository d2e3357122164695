#!/usr/bin/env bash
# Pipeline latency benchmark: RATE jobs a second (open loop), each a different 1600×1200 photo, posted
# to the five services (separate processes, release build, the librdkafka mock cluster) for Runway
# image-to-video at a provider-sim whose generations never end, so that a job's whole path is
# accept -> route -> debit -> submit. For every job: from its creation in api-ingress (`created_at`,
# set as the request is accepted, before its commit) to provider-bridge's record of Runway's answer
# to the create call (the submitted prediction's `updated_at`).
#   make bench-pipeline    (or: bash Benchmarks/pipeline/run.sh [rate] [seconds])
set -euo pipefail
cd "$(dirname "$0")/../.."
source Benchmarks/services.sh
RATE=${1:-200}
RUN_SECONDS=${2:-20}
PHOTO_COUNT=64
SUFFIX=$([ "$RATE" = 200 ] || echo "-${RATE}-per-s")$([ "$FETCH_WAIT" = 500 ] || echo "-fetch-wait-${FETCH_WAIT}ms")
build_services
make_work
declare -A PID_OF
start_runway_pipeline pipeline
bash Benchmarks/photos.sh "$WORK/photos" $PHOTO_COUNT > /dev/null

FIELDS="model=runway-gen4-turbo,prompt=a slow push into the room,duration=5"
load() { python3 Benchmarks/openloop.py "$BASE" "$KEY" "$WORK/photos" $PHOTO_COUNT "$1" "$2" "$3" "$FIELDS"; }
load 20 3 warm > /dev/null
sleep 2
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
declare -A BEFORE
for process in "${!PID_OF[@]}"; do BEFORE[$process]=$(ticks "${PID_OF[$process]}"); done
RUN_STARTED=$(date -u +"%Y-%m-%d %H:%M:%S")
CLIENT=$(load "$RATE" "$RUN_SECONDS" run)
# Every job of the run at the provider, or a minute's wait.
deadline=$((SECONDS + 60))
stats() {
  python3 - "$WORK/data" "$RUN_STARTED" <<'PY'
import glob, json, sqlite3, sys
data, started = sys.argv[1:3]
db = sqlite3.connect(":memory:")
# api-ingress and provider-bridge keep their state in one file per shard.
def union(service, select):
    shards = sorted(glob.glob(f"{data}/{service}/shard-*.sqlite"))
    for index, path in enumerate(shards):
        db.execute(f"ATTACH '{path}' AS '{service}{index}'")
    return " UNION ALL ".join(select.format(f"'{service}{index}'") for index in range(len(shards)))
jobs = union("api-ingress", "SELECT id, created_at FROM {}.jobs")
predictions = union("provider-bridge", "SELECT job_id, status, updated_at FROM {}.predictions")
rows = db.execute(f"""
    SELECT (julianday(p.updated_at) - julianday(j.created_at)) * 86400000.0, p.status
    FROM ({jobs}) j LEFT JOIN ({predictions}) p ON p.job_id = j.id
    WHERE j.created_at >= ?""", (started,)).fetchall()
done = sorted(ms for ms, status in rows if status == "submitted" and ms is not None)
def pct(f): return round(done[min(len(done) - 1, int(f * len(done)))], 1) if done else None
print(json.dumps({"jobs": len(rows), "submitted": len(done), "p50_ms": pct(0.5), "p90_ms": pct(0.9), "p99_ms": pct(0.99),
                  "max_ms": round(done[-1], 1) if done else None}))
PY
}
until RESULT=$(stats) && python3 -c "import json,sys; r=json.loads(sys.argv[1]); sys.exit(0 if r['jobs'] and r['jobs'] == r['submitted'] else 1)" "$RESULT"; do
  [ $SECONDS -lt $deadline ] || break
  sleep 1
done
CPU=""
for process in api-ingress model-router billing provider-bridge storage-uploader provider-sim kafka-mock; do
  CPU+="$process $(( $(ticks "${PID_OF[$process]}") - BEFORE[$process] )) "
done
creates=$(curl -sf "$SIM/_sim/stats" | python3 -c "import json,sys; print(json.load(sys.stdin)['creates'].get('runway', 0))")
value() { echo "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$2"; }
{
  echo "# Pipeline latency benchmark — $(date -u +%Y-%m-%d)"
  echo
  echo "Machine: $(nproc) cores; release build; the five services as separate processes on \`roomreel kafka-mock\` (1 broker,"
  echo "librdkafka $(pkg-config --modversion rdkafka)) and provider-sim (Runway API, generations that never end). Load: $RATE jobs/s"
  echo "open loop for ${RUN_SECONDS} s, \`runway-gen4-turbo\` image-to-video, a different 1600×1200 photo in every request (multipart)."
  echo "Consumers' idle fetch wait \`KAFKA_FETCH_WAIT_MS=$FETCH_WAIT\` (the mock answers an empty fetch only when it is over)."
  echo "Latency: the job's creation in api-ingress -> provider-bridge's record of Runway's create answer."
  echo "Command: \`KAFKA_FETCH_WAIT_MS=$FETCH_WAIT bash Benchmarks/pipeline/run.sh $RATE $RUN_SECONDS\`"
  echo
  echo "| jobs accepted | submitted at the provider | p50 | p90 | p99 | max |"
  echo "|---|---|---|---|---|---|"
  echo "| $(value "$RESULT" jobs) | $(value "$RESULT" submitted) | $(value "$RESULT" p50_ms) ms | $(value "$RESULT" p90_ms) ms | **$(value "$RESULT" p99_ms) ms** | $(value "$RESULT" max_ms) ms |"
  echo
  echo "Client (POST /v1/videos): sent $(value "$CLIENT" sent), statuses $(value "$CLIENT" statuses), p50 $(value "$CLIENT" p50_ms) ms, p99 $(value "$CLIENT" p99_ms) ms."
  echo "Runway creates answered by provider-sim in all (warm-up included): $creates."
  echo
  echo "CPU per accepted job, ms (from the start of the load until every job was at the provider):"
  echo
  echo "| process | ms per job |"
  echo "|---|---|"
  echo "$CPU" | xargs -n2 | awk -v jobs="$(value "$RESULT" jobs)" -v hz="$(getconf CLK_TCK)" '{printf "| %s | %.2f |\n", $1, $2 * 1000 / hz / jobs}'

} | tee "Benchmarks/results/pipeline-$(date -u +%Y-%m-%d)${SUFFIX}.md"
