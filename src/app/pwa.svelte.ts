/**
 * The installed-app side of Loupe: the service worker (registered with
 * workbox-window, updated only when the reader says so) and the network state.
 */
import type { Workbox } from 'workbox-window';
import { imports } from './state/imports.svelte';
import { backfill } from './state/backfill.svelte';
import { remote } from './state/remote.svelte';

const HOUR = 60 * 60 * 1000;

class Pwa {
  /** A new version is installed and waits for the reader to reload. */
  updateReady = $state(false);
  /** The browser believes it has a network. */
  online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
  private wb: Workbox | null = null;

  /** True while reloading would cut off work in progress (an import or a sync). */
  get busy(): boolean {
    return (!!imports.job && !imports.job.result) || !!remote.syncing || !!backfill.running;
  }

  /** Registers the service worker and follows the network state. */
  async start(): Promise<void> {
    addEventListener('online', () => {
      this.online = true;
      // A sync or add that failed while offline runs again now the network is back.
      remote.syncError?.retry();
      void this.wb?.update();
    });
    addEventListener('offline', () => (this.online = false));
    if (import.meta.env.DEV || !('serviceWorker' in navigator)) return;
    // workbox-window is not needed to paint the first screen.
    const { Workbox } = await import('workbox-window');
    const wb = new Workbox(`${import.meta.env.BASE_URL}sw.js`, {
      scope: import.meta.env.BASE_URL,
    });
    // The new worker waits (registerType 'prompt'): code never changes under an open thread.
    wb.addEventListener('waiting', () => (this.updateReady = true));
    wb.addEventListener('controlling', (e) => {
      // Only reload for an update the reader asked for, not the very first install.
      if (e.isUpdate) location.reload();
    });
    this.wb = wb;
    void wb.register().catch((e: unknown) => {
      console.warn('Loupe works without offline support: the service worker did not register.', e);
    });
    setInterval(() => {
      if (this.online) void wb.update();
    }, HOUR);
  }

  /** Switches to the waiting version; the page reloads on the same route (it lives in the URL). */
  applyUpdate(): void {
    if (!this.wb || this.busy) return;
    this.wb.messageSkipWaiting();
  }

  /** Checks the server for a new version now. */
  async checkForUpdate(): Promise<void> {
    await this.wb?.update();
  }
}

/** The app's service-worker and network state. */
export const pwa = new Pwa();
