-- wrk script for bench/soak.sh: the care record's and the commissioners' share of the soak.
-- Run with as many connections as threads (-tN -cN): each thread then has one connection, so its
-- responses come back in the order of its requests and each can be put down to its request's kind.
--
-- The first SOAK_CARE_THREADS threads are members of staff, the rest the commissioner:
--   SOAK_STAFF         "token:team:other_team,token:team:other_team,..." (thread k is staff k mod n)
--   SOAK_CASELOAD      a file of person ids on every one of those staff's caseloads (read: 200)
--   SOAK_STRANGERS     a file of person ids on none of them (a summary read is refused: 403)
--   SOAK_COMMISSIONER  the commissioner's token; SOAK_REPORTS a file of report targets, one a line
--   SOAK_REPORT_DELAY_MS  the commissioner's pause between reports (default 100)
--   SOAK_OUT           done() appends one line a kind and status: "count KIND STATUS N" (status 0:
--                      a request sent that got no answer), the first answer's body for each
--                      ("sample KIND STATUS BODY"), and wrk's own figures ("wrk ...").
local care_threads = tonumber(os.getenv("SOAK_CARE_THREADS") or "1")
local threads = {}
local created = 0

function setup(thread)
  created = created + 1
  thread:set("index", created)
  table.insert(threads, thread)
end

local function lines_of(path)
  local out = {}
  if not path then return out end
  local f = assert(io.open(path, "r"))
  for line in f:lines() do
    if line ~= "" then table.insert(out, line) end
  end
  f:close()
  return out
end

local function split(s, sep)
  local out = {}
  for part in string.gmatch(s, "[^" .. sep .. "]+") do table.insert(out, part) end
  return out
end

-- Per thread (each thread has its own Lua state).
counts = {}   -- "kind status" -> answers
samples = {}  -- "kind status" -> the first answer's body (truncated)
local role, auth, team, other_team, caseload, strangers, reports
local report_next, report_delay = 1, 100
local pending = nil  -- the kind of the request in flight on this thread's connection
local serial = 0

function init(args)
  math.randomseed(os.time() + index * 7919)
  if index <= care_threads then
    role = "care"
    local staff = split(os.getenv("SOAK_STAFF") or "", ",")
    local mine = split(staff[(index - 1) % #staff + 1], ":")
    auth = "Bearer " .. mine[1]
    team, other_team = mine[2], mine[3]
    caseload = lines_of(os.getenv("SOAK_CASELOAD"))
    strangers = lines_of(os.getenv("SOAK_STRANGERS"))
  else
    role = "reports"
    auth = "Bearer " .. (os.getenv("SOAK_COMMISSIONER") or "")
    reports = lines_of(os.getenv("SOAK_REPORTS"))
    report_next = index  -- commissioner threads start at different reports
    report_delay = tonumber(os.getenv("SOAK_REPORT_DELAY_MS") or "100")
  end
end

local function count(kind, status)
  local key = kind .. " " .. status
  counts[key] = (counts[key] or 0) + 1
  return key
end

local function headers(json)
  local h = { ["Host"] = "127.0.0.1", ["Authorization"] = auth }
  if json then h["Content-Type"] = "application/json" end
  return h
end

local function pick(list) return list[math.random(1, #list)] end

local function care_request()
  local r = math.random(1, 100)
  local person = pick(caseload)
  local base = "/api/v1/persons/" .. person
  if r <= 50 then
    return "read.summary", wrk.format("GET", base, headers())
  elseif r <= 65 then
    return "read.known_to", wrk.format("GET", base .. "/known-to", headers())
  elseif r <= 70 then
    return "read.notes", wrk.format("GET", base .. "/notes", headers())
  elseif r <= 75 then
    return "read.timeline", wrk.format("GET", base .. "/timeline?limit=20", headers())
  elseif r <= 80 and #strangers > 0 then
    return "read.refused", wrk.format("GET", "/api/v1/persons/" .. pick(strangers), headers())
  elseif r <= 95 then
    serial = serial + 1
    local body = string.format('{"category":"visit","sensitivity":"normal","body":"Soak visit %d by thread %d: seen at home, all well."}',
                               serial, index)
    return "write.note", wrk.format("POST", base .. "/notes", headers(true), body)
  else
    local body = string.format('{"person_id":%s,"to_team_id":%s,"service_requested":"assessment","reason":"Soak referral: please assess at home","urgency":"routine"}',
                               person, other_team)
    return "write.referral", wrk.format("POST", "/api/v1/referrals", headers(true), body)
  end
end

local function report_request()
  local target = reports[(report_next - 1) % #reports + 1]
  report_next = report_next + 1
  local name = string.match(target, "^/api/v1/([^?]*)") or target
  if string.find(target, "report=", 1, true) then name = name .. "." .. string.match(target, "report=([%w_]+)") end
  return "report." .. string.gsub(name, "/", "."), wrk.format("GET", target, headers())
end

function delay()
  if role == "reports" then return report_delay end
  return 0
end

local verified = false
function request()
  -- wrk calls the first thread's request() once after init() to check what it returns, and never
  -- sends that one: it is not counted.
  if index == 1 and not verified then
    verified = true
    return wrk.format("GET", "/healthz", { ["Host"] = "127.0.0.1" })
  end
  -- A request still pending when the next is asked for got no answer (its connection failed).
  if pending then count(pending, 0) end
  local kind, req
  if role == "care" then kind, req = care_request() else kind, req = report_request() end
  pending = kind
  return req
end

function response(status, hdrs, body)
  local key = count(pending or "unknown", status)
  if not samples[key] then samples[key] = string.sub(string.gsub(body or "", "[\r\n]", " "), 1, 300) end
  pending = nil
end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("SOAK_OUT") or "/dev/stdout", "a"))
  for _, t in ipairs(threads) do
    for key, n in pairs(t:get("counts")) do out:write("count ", key, " ", n, "\n") end
    for key, body in pairs(t:get("samples")) do out:write("sample ", key, " ", body, "\n") end
  end
  local e = summary.errors
  out:write(string.format("wrk requests=%d seconds=%.1f connect_errors=%d read_errors=%d write_errors=%d timeouts=%d "
                          .. "p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
                          summary.requests, summary.duration / 1e6, e.connect, e.read, e.write, e.timeout,
                          latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  out:close()
end
