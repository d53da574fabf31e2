-- wrk script: sign-ins with unknown usernames (each costs the server one Argon2id verification),
-- counting the answers by status.
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"username":"nobody-%d","password":"guess"}', counter)
  return wrk.format("POST", "/api/v1/session", { ["Content-Type"] = "application/json" }, body)
end
local statuses = {}
response = function(status)
  statuses[status] = (statuses[status] or 0) + 1
end
done = function(summary)
  local parts = {}
  for s, n in pairs(statuses) do parts[#parts + 1] = s .. "=" .. n end
  io.write("sign_in_flood: requests=" .. summary.requests .. " " .. table.concat(parts, " ") .. "\n")
end
