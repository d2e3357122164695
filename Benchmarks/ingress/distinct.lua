-- POST /v1/videos with a different photo every request, as real clients send them: the run's
-- distinct 1600x1200 JPEGs (BENCH_PHOTOS_DIR/photo-<n>.jpg, BENCH_PHOTO_COUNT of them), each sent
-- with a comment segment naming the run (BENCH_RUN, one digit), the thread and the request, so that
-- no two requests of any run carry the same bytes and every one is decoded and stored. BENCH_FORM:
-- multipart (the photo as a file part) or json (image_base64).
local form = os.getenv("BENCH_FORM") or "multipart"
local directory = os.getenv("BENCH_PHOTOS_DIR")
local count = tonumber(os.getenv("BENCH_PHOTO_COUNT") or "1")
local key = os.getenv("BENCH_KEY")
local boundary = "roomreel-bench-boundary"
local run = os.getenv("BENCH_RUN") or "0"
assert(#run == 1, "BENCH_RUN must be one character")

local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(data)
  local out = {}
  for i = 1, #data, 3 do
    local a, b, c = data:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local chars = {}
    for j = 3, 0, -1 do
      local index = math.floor(n / 64 ^ j) % 64 + 1
      chars[#chars + 1] = alphabet:sub(index, index)
    end
    if not b then chars[3], chars[4] = "=", "=" elseif not c then chars[4] = "=" end
    out[#out + 1] = table.concat(chars)
  end
  return table.concat(out)
end

local photos, encoded = {}, {}
local counter = 0
-- A global, not a local: setup runs in the main Lua state and sets it in each thread's own state.
thread_id = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  for n = 1, count do
    local file = assert(io.open(string.format("%s/photo-%d.jpg", directory, n), "rb"))
    local bytes = file:read("*a")
    file:close()
    -- Everything after the start-of-image marker; the per-request prefix replaces it.
    photos[n] = bytes:sub(3)
    if form == "json" then encoded[n] = base64(photos[n]) end
  end
  wrk.method = "POST"
  wrk.headers["Authorization"] = "Bearer " .. key
  if form == "json" then
    wrk.headers["Content-Type"] = "application/json"
  else
    wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
  end
end

-- SOI, then a COM segment of 18 bytes: 24 bytes in all, a multiple of 3, so that its base64 joins
-- the rest's without re-encoding the photo.
local function prefix()
  counter = counter + 1
  local text = string.format("r%s%02d-%013d", run, thread_id % 100, counter)
  return "\255\216\255\254" .. string.char(0, 2 + #text) .. text
end

function request()
  local n = counter % count + 1
  local head = prefix()
  local body
  if form == "json" then
    body = '{"video_type":"camera_motion","camera_motion":"zoom_in","duration":3,"image_base64":"' .. base64(head) .. encoded[n] .. '"}'
  else
    body = "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"video_type\"\r\n\r\ncamera_motion\r\n"
      .. "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"camera_motion\"\r\n\r\nzoom_in\r\n"
      .. "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"duration\"\r\n\r\n3\r\n"
      .. "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"room.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
      .. head .. photos[n] .. "\r\n--" .. boundary .. "--\r\n"
  end
  return wrk.format(nil, nil, nil, body)
end
