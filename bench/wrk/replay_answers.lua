-- replay.lua, and also counts the answers that wrk itself does not tell apart (it counts only status >= 400):
-- non-2xx answers, and answers marked "Idempotent-Replayed" (Tidemark's answer to a body it has stored already);
-- and the requests each thread sent beyond its share of the file, so again ("resent").
-- Usage as replay.lua. done() prints "WRK_ANSWERS {json}" before replay.lua's "WRK_RESULT {json}".
-- Defining response() makes wrk hand every answer's headers to Lua: a little CPU per answer, which is why the
-- other figures use replay.lua.

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "replay.lua")

local replay_setup, replay_init, replay_request, replay_done = setup, init, request, done
local threads = {}
non_2xx, replayed, sent, pool = 0, 0, 0, 0 -- per thread: each wrk thread runs its own copy of this script

function setup(thread)
  replay_setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  replay_init(args)
  pool = #prebuilt
end

function request()
  sent = sent + 1
  return replay_request()
end

function response(status, headers, body)
  if status < 200 or status > 299 then non_2xx = non_2xx + 1 end
  for name, _ in pairs(headers) do
    if name:lower() == "idempotent-replayed" then replayed = replayed + 1 end
  end
end

function done(summary, latency, requests)
  local n, r, again = 0, 0, 0
  for _, thread in ipairs(threads) do
    n = n + thread:get("non_2xx")
    r = r + thread:get("replayed")
    again = again + math.max(0, thread:get("sent") - thread:get("pool"))
  end
  io.write(string.format('WRK_ANSWERS {"non_2xx":%d,"replayed":%d,"resent":%d}\n', n, r, again))
  replay_done(summary, latency, requests)
end
