// Open-loop load for bench/lists.ts (wrk2 style): checks arrive at --rate per second in all, as a Poisson process (independent
// department systems), on `connections` keep-alive connections; a check waits for a free connection if all are
// busy, and its latency runs from its scheduled arrival (so a slow server cannot hide its queue: no coordinated
// omission). Raw HTTP/1.1 over net sockets, so the client costs little CPU beside the server.
// With `trace` (bench lists --tail), it also records, in epoch milliseconds (performance.timeOrigin + now, comparable
// with the server's own records): each check's scheduled arrival, the moment it was written to its socket, its answer,
// and its nonce (the server's record of the same request); this process's GC pauses (PerformanceObserver 'gc') and
// event-loop stalls (a 10 ms interval timer late by more than 5 ms), and monitorEventLoopDelay's percentiles: the
// client's own pauses count into the latency, which runs from the scheduled arrival.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import process from 'node:process';
import { clearInterval, setInterval, setTimeout } from 'node:timers';
import { URL } from 'node:url';
import { connect } from 'node:net';
import { createHash, createHmac, randomBytes } from 'node:crypto';
const o = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { hostname, port } = new URL(o.base);
const path = '/api/ext/sanctions/check';
// mulberry32 (as src/platform/random.ts), seeded: the same arrivals every run; never 0, so log() is finite.
let seed = 20261207;
const rnd = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
};
const trace = o.trace ? { checks: [], gc: [], stalls: [] } : null;
const epoch = (t) => performance.timeOrigin + t;
let eld = null;
let stallTimer = null;
if (trace) {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) trace.gc.push([epoch(e.startTime), e.duration, e.detail?.kind ?? 0]);
  }).observe({ entryTypes: ['gc'] });
  eld = monitorEventLoopDelay({ resolution: 5 });
  eld.enable();
  let last = performance.now();
  stallTimer = setInterval(() => {
    const now = performance.now();
    if (now - last > 15) trace.stalls.push([epoch(last + 10), now - last - 10]);
    last = now;
  }, 10);
}
let i = 0;
let lastNonce = '';
const request = () => {
  const body = JSON.stringify({ scenario: '政府采购', subjects: [{ uscc: o.usccs[(i++ * 7919) % o.usccs.length] }] });
  const ts = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(12).toString('base64url');
  lastNonce = nonce;
  const canon = [o.appKey, ts, nonce, 'POST', path, createHash('sha256').update(body).digest('hex')].join('\n');
  const sign = createHmac('sha256', o.secret).update(canon).digest('hex');
  const b = Buffer.from(body);
  return Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/json\r\nx-app-key: ${o.appKey}\r\nx-timestamp: ${ts}\r\nx-nonce: ${nonce}\r\nx-sign: ${sign}\r\ncontent-length: ${b.length}\r\n\r\n`), b]);
};
const times = [];
let ok = 0, non2xx = 0, errors = 0, sent = 0;
const waiting = []; // scheduled arrival times of checks waiting for a free connection
const free = [];
function open() {
  const s = connect({ host: hostname, port: Number(port), noDelay: true });
  let buf = Buffer.alloc(0);
  let started = 0;
  let sentAt = 0;
  let nonce = '';
  s.on('data', (d) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString('latin1');
      const m = /content-length:\s*(\d+)/i.exec(head);
      const len = m ? Number(m[1]) : 0;
      if (buf.length < end + 4 + len) return;
      const status = Number(head.slice(9, 12));
      if (status >= 200 && status < 300) ok++;
      else non2xx++;
      const done = performance.now();
      times.push(done - started);
      if (trace) trace.checks.push([epoch(started), epoch(sentAt), epoch(done), status, nonce]);
      buf = buf.subarray(end + 4 + len);
      release(s);
    }
  });
  s.on('error', () => errors++);
  s.send = (at) => {
    started = at;
    sent++;
    const req = request();
    nonce = lastNonce;
    sentAt = performance.now();
    s.write(req);
  };
  return s;
}
function release(s) {
  const at = waiting.shift();
  if (at !== undefined) s.send(at);
  else free.push(s);
}
for (let c = 0; c < o.connections; c++) free.push(open());
const cpu0 = process.cpuUsage();
const t0 = performance.now() + 50;
const end = t0 + o.duration * 1000;
let next = t0;
await new Promise((resolve) => {
  const tick = () => {
    const now = performance.now();
    while (next <= now && next < end) {
      const s = free.pop();
      if (s) s.send(next);
      else waiting.push(next);
      next += (-Math.log(rnd()) * 1000) / o.rate; // exponential gap: Poisson arrivals
    }
    if (next < end) setTimeout(tick, Math.max(0, Math.min(1, next - performance.now())));
    else resolve();
  };
  setTimeout(tick, 50);
});
// Let the checks in flight finish (up to 10 s), then stop.
const stop = performance.now() + 10_000;
while ((waiting.length || free.length < o.connections) && performance.now() < stop) await new Promise((r) => setTimeout(r, 5));
const cpu = process.cpuUsage(cpu0);
if (trace) {
  clearInterval(stallTimer);
  eld.disable();
  trace.eld = { p50: eld.percentile(50) / 1e6, p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 };
}
const unanswered = waiting.length + (o.connections - free.length);
process.stdout.write(JSON.stringify({ total: ok + non2xx, seconds: o.duration, ok, non2xx, errors, timeouts: unanswered, times, cpuMs: (cpu.user + cpu.system) / 1000, offered: sent + waiting.length, trace }) + '\n', () => process.exit(0));
