#!/usr/bin/env bash
# Fuzzes each parser harness with libFuzzer for a set time, from the seed corpus in
# Tests/Fuzz/Corpus/<harness>/, and prints executions and findings per harness.
#   make fuzz                  (60 s each)
#   bash Tests/Fuzz/run.sh [seconds-per-harness] [harness…]
# roomreel-fuzz is built with -sanitize=fuzzer,address (its own build folder, .build-fuzz). An input
# that breaks a harness is copied into its corpus folder as crash-<sha1>, where FuzzCorpusTests
# replays it from then on: fix the parser, then commit the input as a regression test. New inputs
# that only add coverage stay in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_EACH=${1:-60}
shift || true
HARNESSES=("$@")
[ ${#HARNESSES[@]} -gt 0 ] || HARNESSES=(multipart json-body base64 image webhook-signature event-envelope raw-json)
swift build --product roomreel-fuzz --scratch-path .build-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DROOMREEL_FUZZ >&2
binary=.build-fuzz/debug/roomreel-fuzz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
found=0
printf '| harness | seconds | executions | execs/s | corpus | findings |\n|---|---|---|---|---|---|\n'
for harness in "${HARNESSES[@]}"; do
  corpus=Tests/Fuzz/Corpus/$harness
  mkdir -p "$work/$harness" "$work/$harness-artifacts"
  status=0
  # Memory bounded at 2 GB, inputs at 64 KB (the seeds are smaller). Leak checks are off: the
  # Swift runtime's and Foundation's one-time caches read as leaks.
  ASAN_OPTIONS=detect_leaks=0 ROOMREEL_FUZZ_HARNESS=$harness "$binary" "$work/$harness" "$corpus" -max_total_time="$SECONDS_EACH" \
    -max_len=65536 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$work/$harness-artifacts/" > "$work/$harness.log" 2>&1 || status=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$harness.log" | tail -1 | grep -o '[0-9]*$' || echo 0)
  size=$(find "$work/$harness" "$corpus" -type f | wc -l)
  findings=0
  for artifact in "$work/$harness-artifacts"/*; do
    [ -f "$artifact" ] || continue
    findings=$((findings + 1))
    cp "$artifact" "$corpus/crash-$(sha1sum "$artifact" | cut -c1-16)"
  done
  if [ "$status" -ne 0 ] && [ "$findings" -eq 0 ]; then findings=1; fi
  [ "$findings" -eq 0 ] || { found=1; grep -m5 -E 'Fatal error|ERROR: |SUMMARY' "$work/$harness.log" >&2 || true; }
  printf '| %s | %s | %s | %s | %s | %s |\n' "$harness" "$SECONDS_EACH" "$runs" "$((runs / SECONDS_EACH))" "$size" "$findings"
done
exit $found
