-- The load benchmarks/run.py sends with wrk, set by environment variables:
--   WRK_COOKIE  a Cookie header: a signed-in learner's session cookie (none: a visitor)
--   WRK_CSRF    with it, each request is "I did this step" then "not done" (a POST that writes)
--   WRK_RATE    requests a second on each connection, at random intervals (none: flat out)
--   WRK_UNIQUE  with it, each request's address ends in &n=<a new number>: no page is reused
-- Every request asks for compression, as a browser does.
local cookie = os.getenv("WRK_COOKIE") or ""
local csrf = os.getenv("WRK_CSRF") or ""
local rate = tonumber(os.getenv("WRK_RATE") or "")
local unique = os.getenv("WRK_UNIQUE") or ""

-- The same User-Agent as learner.py signs in with, as one browser would: Flask-Login ties
-- a session to it, and a session seen from another browser is re-saved on every page.
wrk.headers["User-Agent"] = "coursesite-benchmark"
wrk.headers["Accept"] = "text/html"
wrk.headers["Accept-Encoding"] = "gzip, deflate, br, zstd"
if cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end

if csrf ~= "" then
  -- wrk.format takes the headers it is given instead of wrk.headers: pass them all.
  local headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  local n = 0
  request = function()
    n = n + 1
    return wrk.format("POST", nil, headers, "csrf_token=" .. csrf .. "&done=" .. (n % 2))
  end
end

if unique ~= "" then
  local n = 0
  request = function()
    n = n + 1
    return wrk.format(nil, wrk.path .. "&n=" .. n .. "-" .. math.random(1000000000))
  end
end

if rate then
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  -- Exponential gaps: learners click independently of one another.
  delay = function()
    return math.floor(-math.log(1 - math.random()) * 1000 / rate)
  end
end
