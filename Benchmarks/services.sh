# Sourced by the benchmarks that run the five services as separate processes (release build) on the
# librdkafka mock cluster. The caller sets WORK (a scratch folder) and PIDS (an array its EXIT trap
# kills).

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
