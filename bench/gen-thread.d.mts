/** Types of gen-thread.mjs, for the browser test that reads the same thread. */
export interface GeneratedThread {
  /** The mbox (mboxrd): the thread, then the big patch. */
  text: string;
  rootId: string;
  bigPatchId: string;
  threadMessages: number;
  bigPatchLines: number;
}
export function generate(opts?: { messages?: number; seed?: number }): GeneratedThread;
export function writeThreadMbox(
  file: string,
  opts?: { messages?: number; seed?: number },
): Omit<GeneratedThread, 'text'> & { file: string };
