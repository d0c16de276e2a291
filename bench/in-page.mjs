/** Functions the benchmarks run in the page (through `page.evaluate`): self-contained. */

/** In the page: imports mbox URLs into INBOX one after the other; the messages added, the wall time. */
export async function importInPage(urls) {
  const t0 = performance.now();
  let added = 0;
  for (const u of urls) {
    const r = await window.loupe.importUrl(u, 'INBOX', null);
    if (r.error) return { error: r.error };
    added += r.added;
  }
  return { wallMs: Math.round(performance.now() - t0), added };
}

/**
 * In the page: sets the hash and times until `min` elements match `sel` (and the
 * first one), each also to the frame after (rAF + a task: about when it is painted).
 */
export function timeRenderInPage({ hash, sel, firstSel, min, timeoutMs }) {
  return new Promise((resolve) => {
    const painted = () =>
      new Promise((r) =>
        requestAnimationFrame(() => {
          const ch = new MessageChannel();
          ch.port1.onmessage = () => r(performance.now());
          ch.port2.postMessage(0);
        }),
      );
    const t0 = performance.now();
    let first = null;
    let firstPainted = null;
    let finished = false;
    const finish = async (timedOut) => {
      if (finished) return;
      finished = true;
      obs.disconnect();
      const full = timedOut ? null : performance.now() - t0;
      const fullPaintedAt = timedOut ? null : await painted();
      resolve({
        firstMs: first,
        firstPaintedMs: firstPainted ? (await firstPainted) - t0 : null,
        fullMs: full,
        fullPaintedMs: fullPaintedAt === null ? null : fullPaintedAt - t0,
        count: document.querySelectorAll(sel).length,
        timedOut,
      });
    };
    const check = () => {
      if (first === null && document.querySelector(firstSel)) {
        first = performance.now() - t0;
        firstPainted = painted();
      }
      if (first !== null && document.querySelectorAll(sel).length >= min) void finish(false);
    };
    const obs = new MutationObserver(check);
    obs.observe(document.body, { childList: true, subtree: true });
    setTimeout(() => void finish(true), timeoutMs);
    location.hash = hash;
  });
}

/**
 * In the page: scrolls the thread list at a fixed speed, one step per animation
 * frame, counting the frames, the main thread's long tasks (over 50 ms) and, at
 * each frame, the share of the viewport's row slots that had their row in the DOM
 * (a list that skips reads keeps its frames and shows blank rows).
 */
export function scrollInPage({ durationMs, pxPerS }) {
  return new Promise((resolve) => {
    const el = document.querySelector('section.list');
    if (!el) return resolve({ error: 'no thread list' });
    const view = el.clientHeight;
    const max = el.scrollHeight - view;
    const gaps = [];
    const longTasks = [];
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push(e.duration);
    });
    obs.observe({ type: 'longtask' });
    let t0 = null;
    let last = 0;
    let travelled = 0;
    let slots = 0;
    let filled = 0;
    const rowTops = () =>
      new Set(
        [...el.querySelectorAll('[data-testid="thread-row"]')].map((r) => parseFloat(r.style.top)),
      );
    const step = (t) => {
      if (t0 === null) t0 = t;
      else gaps.push(t - last);
      last = t;
      // What the frame drawn before this step showed (rows carry their place inline).
      const row = parseFloat(el.querySelector('[data-testid="thread-row"]')?.style.height) || 24;
      const tops = rowTops();
      const top = Math.ceil(el.scrollTop / row);
      const end = Math.min(Math.floor((el.scrollTop + view) / row), (max + view) / row);
      for (let i = top; i < end; i++, slots++) if (tops.has(i * row)) filled++;
      const e = t - t0;
      // Down and back up again when the list is shorter than the distance.
      const d = ((e * pxPerS) / 1000) % (2 * max || 1);
      el.scrollTop = d > max ? 2 * max - d : d;
      travelled = (e * pxPerS) / 1000;
      if (e < durationMs) requestAnimationFrame(step);
      else {
        for (const x of obs.takeRecords()) longTasks.push(x.duration);
        obs.disconnect();
        const frame = 1000 / 60;
        const dropped = gaps.reduce((s, g) => s + Math.max(0, Math.round(g / frame) - 1), 0);
        const sorted = [...gaps].sort((a, b) => a - b);
        resolve({
          elapsedMs: e,
          frames: gaps.length,
          expectedFrames: Math.round(e / frame),
          dropped,
          longFrames: gaps.filter((g) => g > 50).length,
          p95FrameMs: sorted[Math.floor(sorted.length * 0.95)] ?? null,
          maxFrameMs: sorted.at(-1) ?? null,
          longTasks: longTasks.length,
          longTaskMs: Math.round(longTasks.reduce((a, b) => a + b, 0)),
          filledPct: slots ? Math.round((1000 * filled) / slots) / 10 : null,
          scrolledPx: Math.round(travelled),
          listHeightPx: max,
          rowsInDom: document.querySelectorAll('[data-testid="thread-row"]').length,
        });
      }
    };
    requestAnimationFrame(step);
  });
}
