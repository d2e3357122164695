# RoomReel: `make run` and `make test` do all the set-up on a fresh Debian 12 machine with Swift 6.3.

SWIFT ?= swift
PORT ?= 8080
DATA_DIR ?= ./data
SAMPLE ?= Samples/living-room.jpg
# env: remote providers from their credentials; sim: every remote model through an embedded provider-sim.
PROVIDERS ?= env
APT_PACKAGES := librdkafka-dev libsqlite3-dev libcurl4-openssl-dev libjpeg62-turbo-dev libpng-dev ffmpeg pkg-config docker-compose time python3 python3-venv
# Only for the tests: the playground's browser test drives Debian's Chromium with selenium.
TEST_APT_PACKAGES := chromium chromium-driver
TOOLS_VENV := .build-tools/venv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test deps tools build bench-render bench-router bench-ledger bench-ingress bench-upload bench-webhooks bench-recovery bench-fairness bench-idle bench-pipeline bench-gateway fuzz chaos scale-out clean

## Install the Debian packages that are missing (only those), with apt.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	else echo "System packages present: $(APT_PACKAGES)"; fi

## moto's S3 server, awscli and botocore for the storage tests and the upload benchmark, the
## official openai package for the OpenAI-style Videos API's test and selenium for the playground's
## browser test, in a venv of the project's own (PyPI, once); Chromium and its driver with apt.
tools: deps
	@missing=""; for p in $(TEST_APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; fi
	@test -x $(TOOLS_VENV)/bin/moto_server -a -x $(TOOLS_VENV)/bin/aws -a -d $(TOOLS_VENV)/lib/python3*/site-packages/openai \
	  -a -d $(TOOLS_VENV)/lib/python3*/site-packages/selenium || { \
	  echo "Installing moto[server], awscli, openai and selenium into $(TOOLS_VENV)"; \
	  /usr/bin/python3 -m venv $(TOOLS_VENV) && \
	  $(TOOLS_VENV)/bin/pip install -q --disable-pip-version-check 'moto[server]>=5,<6' 'awscli>=1.36,<2' 'openai>=2.8,<3' 'selenium>=4.20,<5'; }

build: deps
	$(SWIFT) build --build-tests

## Start all five services in one process on port $(PORT), submit the sample photo, print the video.
run: deps
	$(SWIFT) build --product roomreel
	$(SWIFT) run --skip-build roomreel dev --port $(PORT) --data-dir $(DATA_DIR) --submit-sample $(SAMPLE) --providers $(PROVIDERS)

## Every test: the unit tests in parallel, then the multi-process integration tests one at a time
## (each runs five services, a mock cluster and ffmpeg renders: several at once on two cores turned
## their deadlines into a race with the machine's load).
## A short bounded fuzz pass (libFuzzer, 15 s a parser) ends it.
test: build tools
	$(SWIFT) test --skip-build --skip IntegrationTests
	$(SWIFT) test --skip-build --filter IntegrationTests --no-parallel
	bash Tests/Fuzz/run.sh $(FUZZ_SECONDS_IN_TEST)

FUZZ_SECONDS_IN_TEST ?= 15
FUZZ_SECONDS ?= 60

## Each parser's libFuzzer harness for $(FUZZ_SECONDS) s (Tests/Fuzz/run.sh); findings land in its corpus.
fuzz: deps
	bash Tests/Fuzz/run.sh $(FUZZ_SECONDS)

## The chaos test at full size: 300 jobs, 20 SIGKILLs of random services (ROOMREEL_CHAOS_SEED replays a run).
chaos: build tools
	ROOMREEL_CHAOS_JOBS=300 ROOMREEL_CHAOS_KILLS=20 $(SWIFT) test --skip-build --filter ChaosTests

## The scale-out test at full size: 300 jobs while replicas of all five services are killed, added and removed.
scale-out: build tools
	ROOMREEL_SCALE_JOBS=300 $(SWIFT) test --skip-build --filter ScaleOutTests

## The local renderer benchmark (release build); results go to Benchmarks/results/.
bench-render: deps
	bash Benchmarks/render/run.sh

## Debits per second through billing vs a bare SQLite loop (release build).
bench-ledger: deps
	bash Benchmarks/ledger/run.sh

## Routing decisions per second (release build).
bench-router: deps
	bash Benchmarks/router/run.sh

## Accepted POST /v1/videos and GET /v1/videos/{id} per second with wrk (release build).
bench-ingress: deps
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends wrk; }
	bash Benchmarks/ingress/run.sh

## A quiet workspace's latency alone and while another floods POST /v1/videos (release build).
bench-fairness: deps
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends wrk; }
	bash Benchmarks/fairness/run.sh

## Verified provider webhooks per second and webhook → video.generated latency, with wrk (release build).
bench-webhooks: deps
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends wrk; }
	bash Benchmarks/webhooks/run.sh

## Uploads of 50 MB and 500 MB files to moto: RoomReel's S3 uploader against `aws s3 cp` (release build).
bench-upload: tools
	bash Benchmarks/upload/run.sh

## Restart -> first event consumed after SIGKILLs of each service in turn (20 kills).
bench-recovery: tools
	bash Benchmarks/recovery/run.sh

## Each service's CPU and memory when idle, after one job (release build, five processes).
bench-idle: deps
	bash Benchmarks/idle/run.sh

## Request accepted -> provider create latency at 200 jobs/s of distinct photos (release build, five processes).
bench-pipeline: deps
	bash Benchmarks/pipeline/run.sh

## RoomReel and LiteLLM proxy (PyPI, into .build-tools/gateway-venv) in one run against one provider-sim.
bench-gateway: deps
	bash Benchmarks/gateway/run.sh

clean:
	rm -rf .build $(DATA_DIR)
