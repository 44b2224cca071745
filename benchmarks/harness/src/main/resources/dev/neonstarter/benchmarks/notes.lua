-- wrk script for the sample app's notes API: 4 reads of a seeded note (GET /api/notes/{id}) for each note
-- created (POST /api/notes); with a second argument, only GETs of that path ({id}: a seeded note's id). Counts responses per 100 ms and status, and prints everything the harness reads
-- as "NEON-WRK ..." lines.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_usec; } neon_timeval;
int gettimeofday(neon_timeval *tv, void *tz);
]]
local tv = ffi.new("neon_timeval")

local function now_millis()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000 + math.floor(tonumber(tv.tv_usec) / 1000)
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  seeded = tonumber(args[1]) or 100
  path = args[2]
  counter = 0
  buckets = {}
  create = wrk.format("POST", "/api/notes", { ["Content-Type"] = "application/json" }, '{"text":"a note from wrk"}')
end

function request()
  if path then
    return wrk.format("GET", (path:gsub("{id}", tostring(math.random(1, seeded)))))
  end
  counter = counter + 1
  if counter % 5 == 0 then
    return create
  end
  return wrk.format("GET", "/api/notes/" .. math.random(1, seeded))
end

function response(status, headers, body)
  local key = math.floor(now_millis() / 100) .. ":" .. status
  buckets[key] = (buckets[key] or 0) + 1
end

function done(summary, latency, requests)
  local out = function(...) io.write("NEON-WRK ", table.concat({ ... }, " "), "\n") end
  out("requests", summary.requests)
  out("duration_us", summary.duration)
  out("errors_connect", summary.errors.connect)
  out("errors_read", summary.errors.read)
  out("errors_write", summary.errors.write)
  out("errors_status", summary.errors.status)
  out("errors_timeout", summary.errors.timeout)
  out("latency_mean_us", latency.mean)
  out("latency_max_us", latency.max)
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    out("latency_p" .. p .. "_us", latency:percentile(p))
  end
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("buckets")) do
      out("bucket", key, count)
    end
  end
end
