/** What the thread view shares with the keyboard handler: message order and folds. */
import { SvelteSet } from 'svelte/reactivity';

class Reader {
  /** Message ids of the open thread in display order. */
  order = $state<string[]>([]);
  folded = new SvelteSet<string>();
  showHelp = $state(false);

  toggleFold(id: string): void {
    if (this.folded.has(id)) this.folded.delete(id);
    else this.folded.add(id);
  }
}

/** Reader state shared across the thread view and the key map. */
export const reader = new Reader();
