/** Functions the benchmarks run in the page (through `page.evaluate`): self-contained. */

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
