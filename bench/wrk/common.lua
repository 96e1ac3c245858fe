-- Shared by home.lua and post.lua: bearer tokens rotated from a TSV, and a machine-readable
-- summary. Usage: wrk ... -s bench/wrk/home.lua URL -- TOKENS.tsv [how many tokens]
-- The TSV is what bench/seed.py writes: account_id, username, token (with a header line).

local M = {}
local threads = {}
local counter = 0

function M.setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

function M.load_tokens(args)
   local path, limit = args[1], tonumber(args[2] or "1000")
   assert(path, "pass the tokens TSV after --")
   local tokens = {}
   for line in io.lines(path) do
      local token = line:match("^%d+\t[^\t]+\t(%S+)$")
      if token and #tokens < limit then
         tokens[#tokens + 1] = token
      end
   end
   assert(#tokens > 0, "no tokens in " .. path)
   return tokens
end

-- One JSON line that bench/run_bench.py reads (latencies in microseconds).
function M.done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'WRKJSON {"requests": %d, "duration_us": %d, "bytes": %d, "rps": %.1f, ' ..
      '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
      '"latency_us": {"mean": %.0f, "p50": %d, "p75": %d, "p90": %d, "p99": %d, "max": %d}}\n',
      summary.requests, summary.duration, summary.bytes, summary.requests / (summary.duration / 1e6),
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.mean, latency:percentile(50), latency:percentile(75), latency:percentile(90),
      latency:percentile(99), latency.max))
end

return M
