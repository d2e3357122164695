-- POST /v1/videos with a photo by URL (set by run.sh through the environment).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
wrk.body = '{"video_type":"camera_motion","camera_motion":"zoom_in","duration":3,"image_url":"' .. os.getenv("BENCH_PHOTO_URL") .. '"}'

local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
