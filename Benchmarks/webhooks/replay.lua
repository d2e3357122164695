-- Replays pre-signed Replicate webhooks (one per line: id, timestamp, signature, job, workspace, body, tab-
-- separated), each wrk thread its own share, each webhook once; a thread that runs out starts over
-- (the repeats are verified too, then answered DUPLICATE).
local threadCount = 0
function setup(thread)
  thread:set("id", threadCount)
  threadCount = threadCount + 1
end

function init(args)
  local file, threads = args[1], tonumber(args[2])
  requests = {}
  local i = 0
  for line in io.lines(file) do
    if i % threads == id then
      local wid, ts, sig, job, workspace, body = line:match("([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)")
      table.insert(requests, wrk.format("POST", "/webhooks/replicate?job=" .. job .. "&workspace=" .. workspace,
        { ["webhook-id"] = wid, ["webhook-timestamp"] = ts, ["webhook-signature"] = sig, ["Content-Type"] = "application/json" }, body))
    end
    i = i + 1
  end
  index = 0
end

function request()
  index = index + 1
  return requests[((index - 1) % #requests) + 1]
end
