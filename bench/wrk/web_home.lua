-- GET /home (the web page), each request with the next account's session cookie. A web
-- session is an access token (decision 0013), so the seeded API tokens serve as cookies.
--   wrk -t2 -c16 -d20s --latency -s bench/wrk/web_home.lua http://127.0.0.1:PORT -- tokens.tsv 1000
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

local tokens, n = nil, 0

setup = common.setup
done = common.done

function init(args)
   tokens = common.load_tokens(args)
   n = (id or 1) * 7919
end

function request()
   n = n + 1
   return wrk.format("GET", "/home", { ["Cookie"] = "madang_session=" .. tokens[n % #tokens + 1] })
end

function response(status, headers, body)
   if status ~= 200 then
      error("status " .. status)
   end
end
