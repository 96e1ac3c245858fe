-- GET one page with one session cookie (a staff member's), for the desk pages.
--   wrk -t2 -c4 -d15s --latency -s bench/wrk/page_with_cookie.lua http://127.0.0.1:PORT -- /desk/dashboard SECRET
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

local path, cookie = nil, nil

setup = common.setup
done = common.done

function init(args)
   path, cookie = args[1], args[2]
   assert(path and cookie, "pass the path and the session secret after --")
end

function request()
   return wrk.format("GET", path, { ["Cookie"] = "madang_session=" .. cookie })
end

function response(status, headers, body)
   if status ~= 200 then
      error("status " .. status)
   end
end
