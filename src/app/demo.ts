import { getDB } from '../db/schema';
import { imports } from './state/imports.svelte';
import { ingest } from './workers';

/** On the very first start, import the bundled demo inbox so a new user sees threads at once. */
export async function importDemoOnFirstStart(): Promise<void> {
  // Benchmarks and tests that need an empty store open the app with ?nodemo.
  if (new URLSearchParams(location.search).has('nodemo')) return;
  const db = getDB();
  if (await db.settings.get('demoImported')) return;
  if ((await db.inboxes.count()) > 0) return;
  const url = new URL('demo/demo.mbox.gz', document.baseURI).href;
  const r = await imports.importUrl(url, 'demo', null, 'demo inbox');
  if (!r.error) await ingest.call((w) => w.markDemoImported());
}
