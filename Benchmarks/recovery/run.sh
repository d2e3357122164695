#!/usr/bin/env bash
# Recovery benchmark: SIGKILL a service of the five-process pipeline (mock cluster), start it again,
# and time restart -> its first event consumed, the five services in turn. Runs the suite's
# RecoveryTests with more kills; every job must still complete, debited once.
#   make bench-recovery    (or: bash Benchmarks/recovery/run.sh [kills] [session-timeout-ms])
set -euo pipefail
cd "$(dirname "$0")/../.."
KILLS=${1:-20}
SESSION_MS=${2:-3000}
times=$(mktemp)
trap 'rm -f "$times"' EXIT
# SCRATCH_PATH: another build folder (e.g. .build-dev), as `swift build --scratch-path`.
scratch=(${SCRATCH_PATH:+--scratch-path "$SCRATCH_PATH"})
swift build --build-tests "${scratch[@]}" >&2
ROOMREEL_RECOVERY_KILLS=$KILLS ROOMREEL_RECOVERY_REPORT=$times KAFKA_SESSION_TIMEOUT_MS=$SESSION_MS \
  swift test --skip-build "${scratch[@]}" --filter RecoveryTests >&2
suffix=$([ "$SESSION_MS" = 3000 ] && echo "" || echo "-session-${SESSION_MS}ms")
{
  echo "# Recovery benchmark — $(date -u +%Y-%m-%d)"
  echo
  echo "Machine: $(nproc) cores; \`roomreel kafka-mock\` (librdkafka $(pkg-config --modversion rdkafka)), five service processes"
  echo "(debug build); \`KAFKA_SESSION_TIMEOUT_MS=$SESSION_MS\`; command: \`bash Benchmarks/recovery/run.sh $KILLS $SESSION_MS\`."
  echo "Each round kills one service with SIGKILL (api-ingress once it has published the round's job, the"
  echo "others before it is submitted), waits until the event that service consumes next is on the cluster,"
  echo "starts the service again and times restart -> that event in the service's inbox. Every job completed,"
  echo "debited once (the test asserts it)."
  echo
  echo "| service | kills | median s | max s |"
  echo "|---|---|---|---|"
  for service in model-router billing provider-bridge storage-uploader api-ingress all; do
    if [ "$service" = all ]; then values=$(awk '{print $2}' "$times"); else values=$(awk -v s="$service" '$1 == s {print $2}' "$times"); fi
    [ -n "$values" ] || continue
    echo "$values" | sort -n | awk -v s="$service" '{v[NR]=$1} END {m = NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; printf "| %s | %d | %.2f | %.2f |\n", s, NR, m, v[NR]}'
  done
  echo
  echo "Every kill: $(awk '{printf "%s%s %s", sep, $1, $2; sep=", "}' "$times")"
} | tee "Benchmarks/results/recovery-$(date -u +%Y-%m-%d)${suffix}.md"
