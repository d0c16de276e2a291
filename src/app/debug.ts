/** A small handle on the running app for benchmarks and the browser console. */
import { getDB } from '../db/schema';
import { imports } from './state/imports.svelte';

declare global {
  interface Window {
    loupe?: { importUrl: typeof imports.importUrl; db: typeof getDB };
  }
}

window.loupe = { importUrl: imports.importUrl.bind(imports), db: getDB };
