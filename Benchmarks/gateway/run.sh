#!/usr/bin/env bash
# Gateway benchmark: RoomReel (the five services, release build, the librdkafka mock cluster) and
# LiteLLM proxy (PyPI, 2 workers) in one run, against one provider-sim speaking Runway's API
# (generations that never end). Each in turn takes CONCURRENCY closed-loop clients for SECONDS,
# every request a Runway image-to-video job with a different 1600×1200 photo inline as base64, in
# the gateway's own request shape (Benchmarks/gateway/load.py). Reported for both: accepted jobs/s,
# p50/p99, provider creates/s, CPU per job per process and peak RSS.
#   make bench-gateway    (or: bash Benchmarks/gateway/run.sh [concurrency] [seconds])
set -euo pipefail
cd "$(dirname "$0")/../.."
source Benchmarks/services.sh
CONCURRENCY=${1:-32}
RUN_SECONDS=${2:-20}
PHOTO_COUNT=64
LITELLM_VERSION=1.108.7
VENV=.build-tools/gateway-venv
test -x "$VENV/bin/litellm" && "$VENV/bin/pip" show litellm 2>/dev/null | grep -qx "Version: $LITELLM_VERSION" || {
  echo "Installing litellm[proxy]==$LITELLM_VERSION into $VENV" >&2
  /usr/bin/python3 -m venv "$VENV" && "$VENV/bin/pip" install -q --disable-pip-version-check "litellm[proxy]==$LITELLM_VERSION"; }
build_services
make_work
declare -A PID_OF
start_runway_pipeline gateway

LITELLM_PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
LITELLM_KEY="sk-gateway-bench"
cat > "$WORK/litellm.yaml" <<YAML
model_list:
  - model_name: runway-gen4-turbo
    litellm_params:
      model: runwayml/gen4_turbo
      api_base: $SIM/v1
      api_key: sim-runway
general_settings:
  master_key: $LITELLM_KEY
YAML
# The bundled model cost map: nothing fetched from outside while the benchmark runs.
LITELLM_LOCAL_MODEL_COST_MAP=True "$VENV/bin/litellm" --config "$WORK/litellm.yaml" --host 127.0.0.1 --port "$LITELLM_PORT" \
  --num_workers 2 > "$WORK/litellm.out" 2>&1 & PIDS+=($!)
LITELLM_PID=$!
LITELLM="http://127.0.0.1:$LITELLM_PORT"

deadline=$((SECONDS + 120))
until curl -sf "$LITELLM/health/liveliness" > /dev/null; do
  [ $SECONDS -lt $deadline ] || { echo "LiteLLM proxy did not start:" >&2; tail -20 "$WORK/litellm.out" >&2; exit 1; }
  sleep 0.5
done
bash Benchmarks/photos.sh "$WORK/photos" $PHOTO_COUNT > /dev/null

load() { python3 Benchmarks/gateway/load.py "$1" "$2" "$3" runway-gen4-turbo "$WORK/photos" $PHOTO_COUNT "$4" "$5" "$6"; }
creates() { curl -sf "$SIM/_sim/stats" | python3 -c "import json,sys; print(json.load(sys.stdin)['creates'].get('runway', 0))"; }
ticks() { local total=0 pid; for pid in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done; echo $total; }
peak_mib() { local total=0 pid; for pid in "$@"; do total=$((total + $(awk '/VmHWM/ {print $2}' "/proc/$pid/status"))); done; echo $((total / 1024)); }
value() { echo "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$2"; }
hz=$(getconf CLK_TCK)

# One gateway's turn: warm-up, then the measured load; every accepted job must reach the provider
# (a minute's wait at most) before the CPU is read.
declare -A RESULT CREATED CPU_LINES
turn() {
  local gateway=$1 url=$2 key=$3; shift 3
  local warm_before warm until_created
  warm_before=$(creates)
  warm=$(load "$gateway" "$url" "$key" 4 3 "warm-$gateway")
  # The warm-up's jobs at the provider first, so that none of them counts as the run's.
  until_created=$((SECONDS + 60))
  while [ $(( $(creates) - warm_before )) -lt "$(value "$warm" accepted)" ] && [ $SECONDS -lt $until_created ]; do sleep 0.5; done
  local -a processes=("$@")
  declare -A before
  local process
  for process in "${processes[@]}"; do before[$process]=$(ticks ${PID_OF[$process]}); done
  local created_before started
  created_before=$(creates)
  started=$(date +%s.%N)
  RESULT[$gateway]=$(load "$gateway" "$url" "$key" "$CONCURRENCY" "$RUN_SECONDS" "run-$gateway")
  local accepted
  until_created=$((SECONDS + 60))
  accepted=$(value "${RESULT[$gateway]}" accepted)
  while [ $(( $(creates) - created_before )) -lt "$accepted" ] && [ $SECONDS -lt $until_created ]; do sleep 0.5; done
  CREATED[$gateway]=$(( $(creates) - created_before ))
  local lines=""
  for process in "${processes[@]}"; do
    lines+="| $gateway | $process | $(awk -v t=$(( $(ticks ${PID_OF[$process]}) - before[$process] )) -v hz=$hz -v jobs="$accepted" 'BEGIN {printf "%.2f", jobs ? t * 1000 / hz / jobs : 0}') | $(peak_mib ${PID_OF[$process]}) |"$'\n'
  done
  CPU_LINES[$gateway]=$lines
}

turn roomreel "$BASE" "$KEY" api-ingress model-router billing provider-bridge storage-uploader kafka-mock provider-sim
PID_OF[litellm]="$LITELLM_PID $(pgrep -P "$LITELLM_PID" | tr '\n' ' ')"
turn litellm "$LITELLM" "$LITELLM_KEY" litellm provider-sim

row() {
  local gateway=$1 name=$2
  echo "| $name | $(value "${RESULT[$gateway]}" accepted) | **$(value "${RESULT[$gateway]}" accepted_per_s)** | $(value "${RESULT[$gateway]}" p50_ms) ms | **$(value "${RESULT[$gateway]}" p99_ms) ms** | ${CREATED[$gateway]} | $(awk -v c="${CREATED[$gateway]}" -v s="$RUN_SECONDS" 'BEGIN {printf "%.1f", c / s}') | $(value "${RESULT[$gateway]}" statuses) |"
}
{
  echo "# Gateway benchmark — $(date -u +%Y-%m-%d)"
  echo
  echo "Machine: $(nproc) cores. One run, one provider-sim (Runway API, generations that never end), each gateway in turn:"
  echo "RoomReel's five services (release build) on \`roomreel kafka-mock\` (librdkafka $(pkg-config --modversion rdkafka)),"
  echo "then LiteLLM proxy $LITELLM_VERSION (\`litellm[proxy]\` from PyPI, 2 workers). Load: $CONCURRENCY closed-loop clients for ${RUN_SECONDS} s"
  echo "(\`Benchmarks/gateway/load.py\`), each request a Runway gen4_turbo image-to-video job with a different 1600×1200 photo inline"
  echo "as base64, in the gateway's own request shape. RoomReel answers 202 once the job is committed (credits, storage and"
  echo "routing follow through Kafka); LiteLLM answers 200 once Runway's create has answered. Provider creates: Runway creates at"
  echo "provider-sim for the run's jobs (a minute's wait for the last ones), per second of load."
  echo "Consumers' idle fetch wait \`KAFKA_FETCH_WAIT_MS=$FETCH_WAIT\`."
  echo "Command: \`KAFKA_FETCH_WAIT_MS=$FETCH_WAIT bash Benchmarks/gateway/run.sh $CONCURRENCY $RUN_SECONDS\`"
  echo
  echo "| gateway | jobs accepted | accepted/s | p50 | p99 | provider creates | creates/s | statuses |"
  echo "|---|---|---|---|---|---|---|---|"
  row roomreel RoomReel
  row litellm "LiteLLM proxy"
  echo
  echo "CPU per accepted job and peak RSS (VmHWM; LiteLLM's is its parent and two workers together):"
  echo
  echo "| gateway | process | CPU ms per job | peak RSS MiB |"
  echo "|---|---|---|---|"
  printf "%s" "${CPU_LINES[roomreel]}${CPU_LINES[litellm]}"
} | tee "Benchmarks/results/gateway-$(date -u +%Y-%m-%d)$([ "$FETCH_WAIT" = 500 ] || echo "-fetch-wait-${FETCH_WAIT}ms").md"
