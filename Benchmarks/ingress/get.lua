-- GET /v1/videos/{id} with the workspace's key.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
