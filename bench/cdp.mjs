/**
 * Talking to a page's workers over CDP without flattened sessions: a worker
 * attached with `Target.attachToTarget` ({flatten: false}) answers through
 * `Target.receivedMessageFromTarget`, so each call is matched to its answer by id.
 */

/**
 * Returns `ask(sessionId, method, params, timeoutMs)`: sends one CDP command to an
 * attached worker and resolves with its result (null on error, or after
 * `timeoutMs` when given).
 */
export function workerChannel(cdp) {
  let next = 0;
  const pending = new Map();
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    const done = pending.get(`${e.sessionId}/${m.id}`);
    if (done) {
      pending.delete(`${e.sessionId}/${m.id}`);
      done(m.result ?? null);
    }
  });
  return (sessionId, method, params = {}, timeoutMs = 0) =>
    new Promise((resolve) => {
      const id = ++next;
      const key = `${sessionId}/${id}`;
      pending.set(key, resolve);
      cdp
        .send('Target.sendMessageToTarget', {
          sessionId,
          message: JSON.stringify({ id, method, params }),
        })
        .catch(() => pending.delete(key) && resolve(null));
      if (timeoutMs) setTimeout(() => pending.delete(key) && resolve(null), timeoutMs);
    });
}

/**
 * Attaches to every worker of the page and starts its V8 CPU profiler (sampling
 * every `intervalUs`); returns the workers as {sessionId, name}.
 */
export async function profileWorkers(cdp, ask, intervalUs) {
  const workers = await attachWorkers(cdp);
  for (const w of workers) {
    await ask(w.sessionId, 'Profiler.enable');
    await ask(w.sessionId, 'Profiler.setSamplingInterval', { interval: intervalUs });
    await ask(w.sessionId, 'Profiler.start');
  }
  return workers;
}

/** Attaches to every worker of the page; returns them as {sessionId, name}. */
export async function attachWorkers(cdp) {
  const { targetInfos } = await cdp.send('Target.getTargets');
  const workers = [];
  for (const t of targetInfos.filter((t) => t.type === 'worker')) {
    const { sessionId } = await cdp.send('Target.attachToTarget', {
      targetId: t.targetId,
      flatten: false,
    });
    workers.push({ sessionId, name: t.title || t.url.replace(/^.*\//, '') });
  }
  return workers;
}
