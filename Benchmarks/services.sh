# Sourced by the benchmarks that run the five services as separate processes (release build) on the
# librdkafka mock cluster. `make_work` gives them WORK (a scratch folder) and PIDS (the processes
# its EXIT trap stops).

# KAFKA_FETCH_WAIT_MS (the consumers' idle fetch wait, default 500) is handed to the services;
# FETCH_WAIT names it in the results.
FETCH_WAIT=${KAFKA_FETCH_WAIT_MS:-500}
export KAFKA_FETCH_WAIT_MS=$FETCH_WAIT

# Builds the five services and `roomreel`.
build_services() {
  local product
  for product in api-ingress model-router billing provider-bridge storage-uploader roomreel; do
    swift build -c release --product "$product" >&2
  done
}

# Starts the mock cluster (1 broker); sets BROKERS and KAFKA_PID.
start_cluster() {
  .build/release/roomreel kafka-mock --brokers 1 > "$WORK/kafka.out" 2>"$WORK/kafka.err" & PIDS+=($!)
  KAFKA_PID=$!
  until BROKERS=$(grep -m1 '^127.0.0.1:' "$WORK/kafka.out" 2>/dev/null); do sleep 0.2; done
}

# Starts the five services with the environment given as NAME=value arguments (on top of the
# cluster, data folder and ports); fills PID_OF[service] (declare -A PID_OF first) and sets BASE to
# api-ingress's URL.
start_services() {
  local service
  for service in api-ingress model-router billing provider-bridge storage-uploader; do
    env KAFKA_BROKERS="$BROKERS" ROOMREEL_DATA_DIR="$WORK/data" INGRESS_PORT=0 BRIDGE_HTTP_PORT=0 LOG_LEVEL=warning "$@" \
      ".build/release/$service" > "$WORK/$service.out" 2>"$WORK/$service.err" & PIDS+=($!)
    PID_OF[$service]=$!
  done
  local port
  until port=$(grep -m1 'listening on port' "$WORK/api-ingress.out" 2>/dev/null | awk '{print $NF}') && [ -n "$port" ]; do sleep 0.2; done
  BASE="http://127.0.0.1:$port"
}

# Makes WORK and PIDS, and an EXIT trap that stops every process in PIDS and removes WORK
# (KEEP_WORK=1 keeps it, logs and databases, for a look after the run).
make_work() {
  WORK=$(mktemp -d)
  PIDS=()
  trap stop_work EXIT
}

stop_work() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true
  if [ -n "${KEEP_WORK:-}" ]; then echo "work kept in $WORK" >&2; else rm -rf "$WORK"; fi
}

# The cluster, provider-sim (Runway API, generations that never end; SIM is its URL) and the five
# services with one workspace (KEY, named after TAG) that may flood and has the credits for it, and
# Runway as its provider; returns once runway-gen4-turbo is offered. Fills PID_OF (declare -A PID_OF
# first) for the sim and the cluster too.
start_runway_pipeline() {
  local tag=$1
  swift build -c release --product provider-sim >&2
  start_cluster
  PROVIDER_SIM_PORT=0 PROVIDER_SIM_DIR="$WORK/sim" PROVIDER_SIM_FAULTS='{"never_finish": true}' \
    .build/release/provider-sim > "$WORK/sim.out" 2>"$WORK/sim.err" & PIDS+=($!)
  PID_OF[provider-sim]=$!
  PID_OF[kafka-mock]=$KAFKA_PID
  until SIM=$(grep -m1 '^provider-sim listening on ' "$WORK/sim.out" 2>/dev/null | awk '{print $NF}') && [ -n "$SIM" ]; do sleep 0.2; done
  KEY="rr_${tag}_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  start_services INGRESS_BOOTSTRAP_API_KEYS="bench:$KEY" BILLING_BOOTSTRAP_GRANTS="bench:1000000000" \
    INGRESS_JOBS_PER_MINUTE=0 INGRESS_MAX_ACTIVE_JOBS=0 RUNWAYML_API_SECRET=sim-runway RUNWAY_BASE_URL="$SIM" \
    BRIDGE_POLL_INTERVAL_MS=600000 GENERATION_TIMEOUT_SECONDS=3600
  until curl -sf -H "Authorization: Bearer $KEY" "$BASE/v1/models" | python3 -c "
import json, sys
models = json.load(sys.stdin)['models']
sys.exit(0 if any(m['id'] == 'runway-gen4-turbo' and m.get('available') for m in models) else 1)"; do sleep 0.5; done
}
