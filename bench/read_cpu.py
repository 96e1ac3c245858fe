"""CPU per request of the Mastodon API's reads, in process, on side_by_side.py's shape: a poster
with 25 posts (#안양), a reader following it, and a thread of 20 replies to the poster's newest post.

    .venv/bin/python bench/read_cpu.py [N] [PATH ...]      # PATH may hold ME (poster's id), FIRST (thread root)
    PROF=1 ... writes a cProfile per path to /tmp/pa/      # EW=false leaves the embedded worker out
    PYTHONPATH=/other/checkout/src ... measures another build with the same script (A/B in one run)

Process CPU time, not wall time: on a shared, loaded machine it is the steadier figure.
"""
import asyncio
import cProfile
import os
import shutil
import subprocess
import sys
import tempfile
import time
D = tempfile.mkdtemp(prefix="read-cpu-")
os.makedirs("/tmp/pa", exist_ok=True)
os.environ["MADANG_DATABASE_URL"] = f"sqlite+aiosqlite:///{D}/m.db"
os.environ["MADANG_SECRET_KEY_FILE"] = f"{D}/secret"
os.environ["MADANG_EMBEDDED_WORKER"] = os.environ.get("EW", "true")
os.environ["MADANG_RATE_LIMIT_PER_5MIN"] = "100000000"
os.environ["MADANG_ACCESS_LOG"] = "false"
os.environ.setdefault("MADANG_DOMAIN", "127.0.0.1:8000")
subprocess.run([os.path.join(os.path.dirname(sys.executable), "madang"), "migrate"], check=True, capture_output=True)
import httpx
from madang.asgi import app as outer
inner = outer.app if hasattr(outer, "app") else outer
N = int(sys.argv[1]) if len(sys.argv) > 1 else 300
paths = sys.argv[2:] or ["/api/v1/timelines/home?limit=20", "/api/v1/timelines/public?local=true&limit=20",
                         "/api/v1/timelines/tag/%EC%95%88%EC%96%91?limit=20", "/api/v1/accounts/ME/statuses?limit=20",
                         "/api/v1/statuses/FIRST/context"]

async def main():
    async with inner.router.lifespan_context(inner):
        t = httpx.ASGITransport(app=outer)
        async with httpx.AsyncClient(transport=t, base_url="http://127.0.0.1:8000") as c:
            r = await c.post("/api/v1/apps", data={"client_name": "p", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write follow push"})
            app = r.json()
            r = await c.post("/oauth/token", data={"grant_type": "client_credentials", "client_id": app["client_id"], "client_secret": app["client_secret"], "scope": "read write follow push"})
            at = r.json()["access_token"]
            toks = []
            for u in ("poster", "reader"):
                r = await c.post("/api/v1/accounts", headers={"Authorization": f"Bearer {at}"}, data={"username": u, "email": f"{u}@example.com", "password": f"pw-{u}-madang-long", "agreement": "true", "locale": "ko"})
                assert r.status_code == 200, r.text
                toks.append(r.json()["access_token"])
            P = {"Authorization": f"Bearer {toks[0]}"}; R = {"Authorization": f"Bearer {toks[1]}"}
            me = (await c.get("/api/v1/accounts/verify_credentials", headers=P)).json()
            for i in range(25):
                r = await c.post("/api/v1/statuses", headers=P, data={"status": f"안양시 소식 {i} #안양", "visibility": "public"})
                assert r.status_code == 200, r.text
            await c.post(f"/api/v1/accounts/{me['id']}/follow", headers=R)
            sts = (await c.get(f"/api/v1/accounts/{me['id']}/statuses?limit=1", headers=R)).json()
            first = sts[0]["id"]
            for i in range(20):
                r = await c.post("/api/v1/statuses", headers=R if i % 2 else P, data={"status": f"답글 {i}", "in_reply_to_id": first})
                assert r.status_code == 200, r.text
            await asyncio.sleep(2)
            for path in paths:
                path = path.replace("ME", me["id"]).replace("FIRST", first)
                r = await c.get(path, headers=R); print(path, r.status_code, len(r.content))
                for _ in range(20): await c.get(path, headers=R)
                pr = cProfile.Profile(); t0 = time.process_time()
                if os.environ.get("PROF"): pr.enable()
                for _ in range(N): await c.get(path, headers=R)
                pr.disable()
                print(f"  CPU {(time.process_time()-t0)/N*1000:.2f} ms/req")
                name = path.split("?")[0].strip("/").replace("/", "_")
                pr.dump_stats(f"/tmp/pa/{name}.prof")
asyncio.run(main())
shutil.rmtree(D, ignore_errors=True)
