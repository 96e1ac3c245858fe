-- POST /api/v1/statuses with a JSON body of Hangul text and a unique suffix, tokens rotated.
--   wrk -t2 -c16 -d20s --latency -s bench/wrk/post.lua http://127.0.0.1:PORT -- tokens.tsv 200
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

local tokens, n = nil, 0
local texts = {
   "안양천 산책로에 벚꽃이 활짝 피었어요. 다들 좋은 하루 보내세요.",
   "평촌 학원가 앞 횡단보도 신호가 너무 짧아요. 시청에 민원 넣었습니다. #안양",
   "범계역 지하상가 새 빵집 다녀왔어요. 소금빵이 맛있네요!",
   "관악산 등산로 정비가 끝났다고 합니다. 주말에 가 보려고요. #안양 #동네소식",
}

setup = common.setup
done = common.done

function init(args)
   tokens = common.load_tokens(args)
   n = (id or 1) * 7919
end

function request()
   n = n + 1
   local body = string.format('{"status": "%s (%d-%d-%d)", "visibility": "public"}',
                              texts[n % #texts + 1], id or 0, n, math.random(1e9))
   return wrk.format("POST", "/api/v1/statuses",
                     { ["Authorization"] = "Bearer " .. tokens[n % #tokens + 1],
                       ["Content-Type"] = "application/json" }, body)
end
