-- wrk script for one page (run with one thread, -t1): sends the session cookie, counts
-- responses whose status is not the expected one, and prints one JSON line when done.
-- With VT_POST_VILLAGES ("code:active,...") and VT_POST_DAYS ("2026-10-03,..."), it
-- sends the report form instead, each time for another (village, day): a new report,
-- as a field officer's browser would send it.
local cookie = os.getenv("VT_COOKIE") or ""
local expect = tonumber(os.getenv("VT_EXPECT") or "200")
local token = os.getenv("VT_CSRF") or ""
local villages, days = {}, {}
for code, active in string.gmatch(os.getenv("VT_POST_VILLAGES") or "", "([^:,]+):(%d+)") do
  table.insert(villages, {code, active})
end
for day in string.gmatch(os.getenv("VT_POST_DAYS") or "", "[^,]+") do
  table.insert(days, day)
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

unexpected = 0
local sent = 0

function init(args)
  if cookie ~= "" then wrk.headers["Cookie"] = cookie end
end

function request()
  if #villages == 0 then
    return wrk.format()
  end
  local village = villages[sent % #villages + 1]
  local day = days[math.floor(sent / #villages) % #days + 1]
  sent = sent + 1
  local active = village[2]
  local body = "csrf_token=" .. token .. "&as_of=" .. day
    .. "&active_participants=" .. active .. "&bpu=" .. active .. "&pu=0&jakon=0&pmi=0"
    .. "&self_paid=" .. active
    .. "&apbd_province=0&apbd_regency=0&apbdes=0&csr=0&other=0&notes="
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }
  return wrk.format("POST", "/villages/" .. village[1] .. "/reports/new", headers, body)
end

function response(status, headers, body)
  if status ~= expect then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("unexpected") end
  local errors = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.3f, "p50_ms": %.3f, "p99_ms": %.3f, '
      .. '"socket_errors": %d, "unexpected": %d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors.connect + errors.read + errors.write + errors.timeout, bad))
end
