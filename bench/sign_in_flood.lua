-- wrk script: sign-ins with unknown usernames (each costs the server one Argon2id verification),
-- (wrk reports the answers that were not 2xx: every one here is a 401, or a 503 when the queue is full).
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"username":"nobody-%d","password":"guess"}', counter)
  return wrk.format("POST", "/api/v1/session", { ["Content-Type"] = "application/json" }, body)
end
done = function(summary)
  io.write("sign_in_flood: requests=" .. summary.requests .. "\n")
end
