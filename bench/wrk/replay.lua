-- Replays pre-built HTTP requests (written by io.tidemark.bench.Workload), so wrk spends no CPU building bodies.
-- Usage: wrk -t T -c C -d D -s replay.lua http://127.0.0.1:PORT/ -- REQUEST_FILE T
-- REQUEST_FILE holds, for each request, its length in bytes on a line of its own and then the bytes. Each wrk thread
-- keeps every T-th request (so the threads together hold one copy), and its connections cycle through them.
-- done() prints one line "WRK_RESULT {json}" for the benchmark to parse; latencies are in microseconds.

local next_thread_id = 0

function setup(thread)
  thread:set("thread_id", next_thread_id)
  next_thread_id = next_thread_id + 1
end

function init(args)
  local path, threads = args[1], tonumber(args[2])
  prebuilt = {}
  local f = assert(io.open(path, "rb"))
  local i = 0
  while true do
    local header = f:read("*l")
    if not header then break end
    local request = f:read(tonumber(header))
    if i % threads == thread_id then prebuilt[#prebuilt + 1] = request end
    i = i + 1
  end
  f:close()
  assert(#prebuilt > 0, "no requests for thread " .. thread_id .. " in " .. path)
  position = 0
end

function request()
  position = position % #prebuilt + 1
  return prebuilt[position]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"status_errors":%d,"connect_errors":%d,' ..
    '"read_errors":%d,"write_errors":%d,"timeouts":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
