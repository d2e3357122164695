#!/usr/bin/env bash
# Idle benchmark: the five services (release build) as separate processes on the librdkafka mock
# cluster. One job goes through first (a camera move on the local renderer), so every service has
# done work; then, after a settle period, each process's CPU time over a window (utime + stime from
# /proc/PID/stat) and its resident memory (VmRSS, and the peak VmHWM) are read.
#   make bench-idle    (or: bash Benchmarks/idle/run.sh [settle-seconds] [window-seconds])
set -euo pipefail
cd "$(dirname "$0")/../.."
source Benchmarks/services.sh
SETTLE=${1:-15}
WINDOW=${2:-60}
SUFFIX=$([ "$FETCH_WAIT" = 500 ] || echo "-fetch-wait-${FETCH_WAIT}ms")
SERVICES=(api-ingress model-router billing provider-bridge storage-uploader)
build_services
make_work

start_cluster
KEY="rr_idle_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
declare -A PID_OF
start_services INGRESS_BOOTSTRAP_API_KEYS="idle:$KEY" BILLING_BOOTSTRAP_GRANTS="idle:100"

# One job end to end, so that the numbers are those of services that have worked, not just started.
JOB=$(curl -sf -H "Authorization: Bearer $KEY" -F video_type=camera_motion -F camera_motion=pan_left_right -F duration=2 \
  -F image=@Samples/living-room.jpg "$BASE/v1/videos" | python3 -c "import json,sys; print(json.load(sys.stdin)['id'])")
deadline=$((SECONDS + 120))
until [ "$(curl -sf -H "Authorization: Bearer $KEY" "$BASE/v1/videos/$JOB" | python3 -c "import json,sys; print(json.load(sys.stdin)['status'])")" = completed ]; do
  [ $SECONDS -lt $deadline ] || { echo "job $JOB did not complete" >&2; exit 1; }
  sleep 0.5
done
sleep "$SETTLE"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
HZ=$(getconf CLK_TCK)
declare -A BEFORE
for service in "${SERVICES[@]}" kafka-mock; do
  pid=${PID_OF[$service]:-$KAFKA_PID}
  BEFORE[$service]=$(ticks "$pid")
done
sleep "$WINDOW"
{
  echo "# Idle benchmark — $(date -u +%Y-%m-%d)"
  echo
  echo "Machine: $(nproc) cores; release build; the five services as separate processes on \`roomreel kafka-mock\` (1 broker,"
  echo "librdkafka $(pkg-config --modversion rdkafka)), after one job (a 2 s camera move, local renderer) and ${SETTLE} s to settle;"
  echo "consumers' idle fetch wait \`KAFKA_FETCH_WAIT_MS=$FETCH_WAIT\`; CPU over ${WINDOW} s from /proc/PID/stat (clock ticks of 1/${HZ} s)."
  echo "Command: \`KAFKA_FETCH_WAIT_MS=$FETCH_WAIT bash Benchmarks/idle/run.sh $SETTLE $WINDOW\`"
  echo
  echo "| process | CPU, % of a core | RSS | peak RSS |"
  echo "|---|---|---|---|"
  for service in "${SERVICES[@]}" kafka-mock; do
    pid=${PID_OF[$service]:-$KAFKA_PID}
    used=$(( $(ticks "$pid") - BEFORE[$service] ))
    label=$service; [ "$service" = kafka-mock ] && label="kafka-mock (the cluster, not a service)"
    awk -v s="$label" -v t="$used" -v hz="$HZ" -v w="$WINDOW" -v rss="$(kib "$pid" VmRSS)" -v hwm="$(kib "$pid" VmHWM)" \
      'BEGIN {printf "| %s | %.2f %% | %.1f MiB | %.1f MiB |\n", s, 100 * t / hz / w, rss / 1024, hwm / 1024}'
  done
} | tee "Benchmarks/results/idle-$(date -u +%Y-%m-%d)${SUFFIX}.md"
