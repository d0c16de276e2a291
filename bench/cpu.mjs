/**
 * CPU accounting shared by the profiling benchmarks: CPU seconds per Chromium
 * process type from /proc, and self time per function of a V8 CPU profile.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** CPU seconds (user + system) of every process under `pid`, summed per Chromium --type. */
export function cpuByType(pid) {
  const tick = 100; // USER_HZ on Linux
  const children = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      children.set(Number(d), { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / tick });
    } catch {
      // the process ended meanwhile
    }
  }
  const out = {};
  const visit = (p) => {
    const c = children.get(p);
    if (!c) return;
    let type = 'browser';
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      type = /--type=([\w-]+)/.exec(cmd)?.[1] ?? 'browser';
      if (type === 'utility') type = /--utility-sub-type=([\w.-]+)/.exec(cmd)?.[1] ?? type;
    } catch {
      // gone
    }
    out[type] = (out[type] ?? 0) + c.cpu;
    for (const [q, x] of children) if (x.ppid === p) visit(q);
  };
  visit(pid);
  return out;
}

/** CPU seconds per process type spent since `before` (an earlier cpuByType of the same tree). */
export function cpuSince(pid, before) {
  const now = cpuByType(pid);
  return Object.fromEntries(
    Object.keys(now).map((k) => [k, +(now[k] - (before[k] ?? 0)).toFixed(2)]),
  );
}

/** Self time per function (ms) of a V8 CPU profile, most first. */
export function selfTimes(profile) {
  const dt = new Map();
  const { samples, timeDeltas, nodes } = profile;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (let i = 0; i < samples.length; i++)
    dt.set(samples[i], (dt.get(samples[i]) ?? 0) + (timeDeltas[i + 1] ?? 0) / 1000);
  const fn = new Map();
  for (const [id, ms] of dt) {
    const n = byId.get(id);
    const cf = n.callFrame;
    const file = cf.url ? cf.url.replace(/^.*\//, '') : '';
    const key = `${cf.functionName || '(anonymous)'} ${file}:${cf.lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + ms);
  }
  const total = [...fn.values()].reduce((a, b) => a + b, 0);
  const idle = fn.get('(idle) :0') ?? 0;
  return {
    totalMs: total,
    busyMs: total - idle,
    top: [...fn].sort((a, b) => b[1] - a[1]).map(([k, ms]) => [k, Math.round(ms)]),
  };
}

/** The browser process of a persistent context: the chromium whose command line names its profile. */
export function findChromium(profileDir) {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.includes(profileDir) && !cmd.includes('--type=')) return Number(d);
    } catch {
      // gone
    }
  }
  throw new Error('Chromium browser process not found');
}

/**
 * Busy share (%) of a V8 CPU profile per second from `t0` (µs, the profiles'
 * clock): what shows whether two workers overlap or wait on each other.
 */
export function busyPerSecond(profile, t0) {
  const idle = new Set(
    profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id),
  );
  const busy = [];
  let t = profile.startTime;
  profile.samples.forEach((s, i) => {
    t += profile.timeDeltas[i];
    const sec = Math.floor((t - t0) / 1e6);
    busy[sec] = (busy[sec] ?? 0) + (idle.has(s) ? 0 : (profile.timeDeltas[i + 1] ?? 0));
  });
  return Array.from(busy, (us) => Math.min(100, Math.round((us ?? 0) / 1e4)));
}
