// What Elk and Phanpy do through masto.js, against a running madang server:
// log in, post with a photo, open the WebSocket stream, receive the next post live.
//
// Usage: node masto_flow.mjs <server-url> <token-of-poster> <token-of-friend>
//   (or MADANG_URL, MADANG_TOKEN, MADANG_FRIEND_TOKEN in the environment).
// Exits 0 when every step passed; otherwise prints the failing step and exits 1.

// masto 8 targets Node >= 22; Node 20 (Debian's) lacks these two, which masto uses as plain
// language features. The WebSocket global comes from `node --experimental-websocket` there.
if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function withResolvers() {
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}
Symbol.dispose ??= Symbol("Symbol.dispose");
Symbol.asyncDispose ??= Symbol("Symbol.asyncDispose");

const { createRestAPIClient, createStreamingAPIClient } = await import("masto");
import { deflateSync } from "node:zlib";

const [url = process.env.MADANG_URL, token = process.env.MADANG_TOKEN,
  friendToken = process.env.MADANG_FRIEND_TOKEN] = process.argv.slice(2);
const TOTAL_MS = Number(process.env.MADANG_TIMEOUT_MS ?? 60000);

let step = "start";
function fail(message) {
  console.error(`FAIL [${step}]: ${message}`);
  process.exit(1);
}
function check(condition, message) {
  if (!condition) fail(message);
}
const overall = setTimeout(() => fail(`not finished within ${TOTAL_MS} ms`), TOTAL_MS);

if (!url || !token || !friendToken) fail("usage: masto_flow.mjs <url> <token> <friend-token>");
if (typeof WebSocket !== "function") fail("no WebSocket global: run node >= 22 or node --experimental-websocket");

// A real 2x2 RGB PNG, built here so the test needs no file.
function tinyPng() {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "ascii");
    data.copy(out, 8);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0); // width
  header.writeUInt32BE(2, 4); // height
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = Buffer.from([0, 255, 0, 0, 0, 0, 255, 0, 0, 255, 0, 255, 255, 255]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header), chunk("IDAT", deflateSync(rows)), chunk("IEND", Buffer.alloc(0)),
  ]);
}

// Events of one subscription, kept so a test can wait for one that matches.
class Inbox {
  constructor(name, subscription) {
    this.name = name;
    this.events = [];
    this.waiters = [];
    this.failed = null;
    (async () => {
      try {
        for await (const event of subscription) {
          this.events.push(event);
          this.waiters = this.waiters.filter((w) => !w(event));
        }
      } catch (error) {
        this.failed = error;
      }
    })();
  }
  // Resolves with the first event (already seen or to come) that matches, or null after ms.
  waitFor(match, ms) {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), ms);
      this.waiters.push((event) => {
        if (!match(event)) return false;
        clearTimeout(timer);
        resolve(event);
        return true;
      });
    });
  }
}

try {
  step = "log in (verify_credentials)";
  const masto = createRestAPIClient({ url, accessToken: token, timeout: 20000 });
  const me = await masto.v1.accounts.verifyCredentials();
  check(typeof me.id === "string" && /^\d+$/.test(me.id), `account id ${JSON.stringify(me.id)}`);
  check(typeof me.username === "string" && me.acct === me.username, `acct ${me.acct}`);
  const friendApi = createRestAPIClient({ url, accessToken: friendToken, timeout: 20000 });
  const friend = await friendApi.v1.accounts.verifyCredentials();

  step = "instance v2";
  const instance = await masto.v2.instance.fetch();
  const streamingApiUrl = instance.configuration?.urls?.streaming;
  check(typeof streamingApiUrl === "string" && /^wss?:\/\//.test(streamingApiUrl),
    `configuration.urls.streaming = ${JSON.stringify(streamingApiUrl)}`);
  check(instance.configuration.statuses.maxCharacters === 140,
    `max_characters ${instance.configuration.statuses.maxCharacters}`);

  step = "upload a photo (v2.media.create)";
  const png = tinyPng();
  const media = await masto.v2.media.create({
    file: new Blob([png], { type: "image/png" }),
    description: "안양천 산책로 사진",
  });
  check(media.type === "image", `media type ${media.type}`);
  check(typeof media.url === "string" && media.url.startsWith("http"), `media url ${media.url}`);
  check(media.description === "안양천 산책로 사진", `description ${media.description}`);
  const served = await fetch(media.url);
  check(served.ok, `GET ${media.url} -> ${served.status}`);

  step = "post a status with the photo";
  const posted = await masto.v1.statuses.create({
    status: "마당에 사진을 올립니다 #안양", mediaIds: [media.id], visibility: "public",
  });
  check(posted.mediaAttachments.length === 1 && posted.mediaAttachments[0].id === media.id,
    `attachments ${JSON.stringify(posted.mediaAttachments.map((m) => m.id))}`);
  check(posted.content.includes("마당에 사진을 올립니다"), `content ${posted.content}`);
  check(posted.account.id === me.id, "author");
  const fetched = await masto.v1.statuses.$select(posted.id).fetch();
  check(fetched.mediaAttachments[0]?.description === "안양천 산책로 사진", "alt text kept on the status");

  step = "follow the friend";
  const relationship = await masto.v1.accounts.$select(friend.id).follow();
  check(relationship.following === true, `following ${relationship.following}`);

  step = "open the WebSocket stream";
  const streaming = createStreamingAPIClient({ streamingApiUrl, accessToken: token, retry: 3 });
  const user = new Inbox("user", streaming.user.subscribe());
  const pub = new Inbox("public", streaming.public.subscribe());

  // The subscribe frames travel on their own: post probes until one comes back on both
  // streams, so the real check below cannot race the subscription.
  step = "subscribe to user and public";
  let ready = false;
  for (let attempt = 0; attempt < 40 && !ready; attempt++) {
    const probe = await masto.v1.statuses.create({ status: `연결 확인 ${attempt}`, visibility: "public" });
    const isProbe = (e) => e.event === "update" && e.payload.id === probe.id;
    const [u, p] = await Promise.all([user.waitFor(isProbe, 500), pub.waitFor(isProbe, 500)]);
    ready = Boolean(u && p);
    for (const inbox of [user, pub]) if (inbox.failed) fail(`${inbox.name} stream: ${inbox.failed}`);
  }
  check(ready, "no probe post came back on both the user and public streams");

  step = "receive the friend's next post live";
  const text = `시청 앞 광장에서 만나요 ${Date.now()}`;
  const sent = await friendApi.v1.statuses.create({ status: text, visibility: "public" });
  const isSent = (e) => e.event === "update" && e.payload.id === sent.id;
  const [onUser, onPublic] = await Promise.all([user.waitFor(isSent, 10000), pub.waitFor(isSent, 10000)]);
  for (const [name, event] of [["user", onUser], ["public", onPublic]]) {
    check(event, `no update for ${sent.id} on the ${name} stream`);
    check(event.stream.includes(name), `stream ${JSON.stringify(event.stream)}`);
    check(event.payload.content.includes(text), `content ${event.payload.content}`);
    check(event.payload.account.id === friend.id, `author ${event.payload.account.id}`);
    check(typeof event.payload.createdAt === "string", "createdAt");
  }

  step = "close";
  streaming.close();
  clearTimeout(overall);
  console.log(`ok: ${me.acct} posted ${posted.id} with photo ${media.id}; live update ${sent.id} on user and public`);
  process.exit(0);
} catch (error) {
  fail(error?.stack ?? String(error));
}
