-- POST pre-signed ActivityPub activities to /inbox, one after another (bench/federation_bench.py --wrk).
--   wrk -t1 -c32 -d10s -s bench/wrk/inbox.lua http://127.0.0.1:PORT -- activities.tsv
-- Each line of the file: Date <TAB> Digest <TAB> Signature <TAB> body (one-line JSON).
local lines, n = {}, 0

function init(args)
   for line in io.lines(args[1]) do
      local date, digest, signature, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      lines[#lines + 1] = { date = date, digest = digest, signature = signature, body = body }
   end
   n = (id or 1) * 104729
end

function request()
   n = n + 1
   local r = lines[n % #lines + 1]
   return wrk.format("POST", "/inbox", {
      ["Content-Type"] = "application/activity+json", ["Date"] = r.date, ["Digest"] = r.digest,
      ["Signature"] = r.signature }, r.body)
end

local codes = {}
function response(status, headers, body)
   codes[status] = (codes[status] or 0) + 1
end
