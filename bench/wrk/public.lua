-- GET /api/v1/timelines/public?limit=20, each request with the next account's bearer token.
--   wrk -t2 -c16 -d20s --latency -s bench/wrk/public.lua http://127.0.0.1:PORT -- tokens.tsv 1000
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
   return wrk.format("GET", "/api/v1/timelines/public?limit=20",
                     { ["Authorization"] = "Bearer " .. tokens[n % #tokens + 1] })
end
