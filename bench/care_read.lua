-- wrk script for bench/care_read_wrk.sh: each request reads a random person's summary, signed in
-- by the bearer token in TOKEN, out of the persons numbered FIRST_PERSON to LAST_PERSON.
local first = tonumber(os.getenv("FIRST_PERSON") or "1")
local last = tonumber(os.getenv("LAST_PERSON") or "1000000")
local auth = "Bearer " .. (os.getenv("TOKEN") or "")
math.randomseed(12345)

request = function()
  return wrk.format("GET", "/api/v1/persons/" .. math.random(first, last), { ["Authorization"] = auth, ["Host"] = "127.0.0.1" })
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("care_read_wrk: requests=%d seconds=%.2f requests_per_s=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f "
                         .. "non_2xx=%d socket_errors=%d\n",
                         summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000,
                         latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
                         summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
