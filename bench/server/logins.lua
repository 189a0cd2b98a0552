-- wrk script for bench/server/logins.mjs: POST /auth/login, each request with a wx.login code of its own.
--   LOGIN_CODES=<file> LOGIN_COUNT=<n> LOGIN_TARGETS=<host:port,host:port> wrk -t<instances> -c<c> -d<limit> -s logins.lua <url>
-- The codes file holds one code a line. Thread i (one per server instance) sends codes i, i+threads, ... to the
-- i-th address (round robin over the instances, as a load balancer) and stops after its share of replies,
-- printing STOPPED: the caller then ends wrk with SIGINT (which still prints the summary).
-- done() prints one line, RESULT {json}: replies, 200s, duration, latency and wrk's own CPU time (/proc/self/stat).
local threads = {}
local addrs = {}
for a in string.gmatch(os.getenv("LOGIN_TARGETS") or "", "[^,]+") do table.insert(addrs, a) end
local logins = tonumber(os.getenv("LOGIN_COUNT") or "0")

function setup(thread)
  table.insert(threads, thread)
  local i = #threads
  local host, port = string.match(addrs[((i - 1) % #addrs) + 1], "^(.+):(%d+)$")
  thread.addr = wrk.lookup(host, port)[1]
  thread:set("index", i)
end

function init(args)
  local total = #addrs
  codes = {}
  local n = 0
  for line in io.lines(os.getenv("LOGIN_CODES")) do
    if (n % total) == (index - 1) then table.insert(codes, line) end
    n = n + 1
  end
  share = math.floor(logins / total)
  if index <= logins % total then share = share + 1 end
  next_code = 1
  replies = 0
  ok = 0
end

function request()
  local code = codes[next_code] or "spent"
  next_code = next_code + 1
  return wrk.format("POST", "/auth/login", { ["content-type"] = "application/json" }, '{"code":"' .. code .. '"}')
end

function response(status, headers, body)
  replies = replies + 1
  if status == 200 then ok = ok + 1 end
  if replies == share then
    -- wrk's main thread sleeps for the whole -d limit: the caller sends SIGINT once every thread said this
    io.write("STOPPED\n")
    io.flush()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local cpu = "null"
  local f = io.open("/proc/self/stat")
  if f then
    local fields = {}
    for v in string.gmatch(f:read("*l"):match("%) (.*)"), "%S+") do table.insert(fields, v) end
    f:close()
    -- utime and stime, in ticks of 1/100 s
    cpu = tostring((tonumber(fields[12]) + tonumber(fields[13])) * 10)
  end
  local replied, good = 0, 0
  for _, t in ipairs(threads) do
    replied = replied + (t:get("replies") or 0)
    good = good + (t:get("ok") or 0)
  end
  io.write(string.format('RESULT {"replies":%d,"ok":%d,"durationUs":%d,"cpuMs":%s,"p50Us":%d,"p99Us":%d}\n',
    replied, good, summary.duration, cpu, latency:percentile(50), latency:percentile(99)))
end
