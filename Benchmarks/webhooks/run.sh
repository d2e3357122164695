#!/usr/bin/env bash
# Verified Replicate webhooks handled per second by provider-bridge, and the time from a webhook's
# recording to its video.generated at a Kafka consumer (release build, wrk on loopback, the embedded
# librdkafka mock cluster; everything shares the machine's cores).
#   make bench-webhooks    (or: bash Benchmarks/webhooks/run.sh [rounds] [seconds] [connections])
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
SECONDS_PER_ROUND=${2:-10}
CONNECTIONS=${3:-32}
command -v wrk >/dev/null || { echo "wrk is needed (make bench-webhooks installs it)" >&2; exit 1; }
swift build -c release --product webhook-benchmark >&2

OUT=Benchmarks/results/webhooks-$(date +%Y-%m-%d).md
{
  echo "# provider-bridge: verified webhooks per second"
  echo
  echo "Command: \`bash Benchmarks/webhooks/run.sh $ROUNDS $SECONDS_PER_ROUND $CONNECTIONS\` ($(date -u +%Y-%m-%dT%H:%MZ))."
  echo "Machine: $(nproc) cores; release build; wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}') with 2 threads and $CONNECTIONS connections, ${SECONDS_PER_ROUND} s per round;"
  echo "bridge, embedded Kafka mock cluster (as in \`roomreel dev\`: one broker, three partitions a topic), the reading"
  echo "consumer and wrk all on the same cores."
  echo
  echo "Each round seeds 80,000 submitted Replicate jobs and replays one webhook per job, each signed the"
  echo "Standard Webhooks way (HMAC-SHA256 over id.timestamp.body, verified in constant time before anything"
  echo "is read). A recorded webhook ends its job: receipt (dedupe by webhook-id), state change and two events"
  echo "(video.generated, provider.outcome) in one group-committed SQLite transaction (synchronous=FULL), then"
  echo "the outbox relay publishes them. The recorded rate is over the bridge's recording window, first recorded"
  echo "webhook to last (wrk loads its replay file before it sends; the wall clock around wrk counts that too,"
  echo "and is shown on the next line). The latency column is the consumer's receive time less the event's"
  echo "time (stamped in the recording transaction): it includes the fsync, the relay and the consumer's fetch."
  echo "Target: ≥ 5,000 verified webhooks/s, p99 ≤ 20 ms."
  for round in $(seq 1 "$ROUNDS"); do
    echo
    echo "## Round $round"
    echo
    .build/release/webhook-benchmark 80000 "$SECONDS_PER_ROUND" "$CONNECTIONS" Benchmarks/webhooks/replay.lua
  done
} | tee "$OUT"
echo "wrote $OUT" >&2
