/**
 * A message body's blocks as plain DOM: text nodes, links from `linkify` (whose
 * hrefs went through `safeHref`), and elements made here, never markup from the mail.
 * A body never changes once shown, so it is built once, without a reactive effect
 * per line and block: a 1,000-message thread holds tens of thousands of blocks,
 * and Svelte's blocks for them were most of the time it took to be whole.
 */
import { linkify, type Block } from '../core/body';
import { afterPaint, nextLimit } from './state/progressive.svelte';

/** A quote longer than this shows its first lines and a button for the rest. */
const QUOTE_FOLD = 12;
const QUOTE_SHOWN = 4;

/** Appends `lines` as one text node per run between links. */
function appendText(parent: Node, lines: string[]): void {
  // URLs never span lines, so linking the joined text finds the links of each line.
  for (const p of linkify(lines.map((l) => l + '\n').join(''))) {
    if (!p.url) {
      parent.appendChild(document.createTextNode(p.text));
      continue;
    }
    const a = document.createElement('a');
    a.href = p.href;
    a.rel = 'noopener noreferrer';
    a.target = '_blank';
    a.textContent = p.text;
    parent.appendChild(a);
  }
}

function div(className?: string): HTMLDivElement {
  const d = document.createElement('div');
  if (className) d.className = className;
  return d;
}

/** Lines a body paints at once; longer ones grow by this many or twice, after each paint. */
const FIRST_LINES = 400;
const STEP_LINES = 2500;

/**
 * Renders `blocks` into `root`: a 5,000-line patch paints its first screens at once
 * and the rest a few thousand lines after each paint (all of it took 250 ms to lay
 * out before anything showed). Returns a function that stops the growing.
 */
export function renderBody(root: HTMLElement, blocks: Block[], anchor: string): () => void {
  const body = new BodyRenderer(root, blocks, anchor);
  let limit = FIRST_LINES;
  let cancel = () => {};
  const step = () => {
    body.grow(limit);
    if (body.done) return;
    limit = nextLimit(limit, STEP_LINES);
    cancel = afterPaint(step);
  };
  step();
  return () => cancel();
}

/**
 * Renders `blocks` into `root` a slice at a time: `grow(limit)` appends lines until
 * `limit` of them are shown. A folded quote counts as all its lines. Diff blocks
 * that name a file get the ids `${anchor}-d${k}`, for the file jump list.
 */
class BodyRenderer {
  private block = 0;
  /** Lines of `blocks[block]` already appended, and the element they went into. */
  private line = 0;
  private into: Node | null = null;
  private shown = 0;
  private files = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly blocks: Block[],
    private readonly anchor: string,
  ) {}

  get done(): boolean {
    return this.block >= this.blocks.length;
  }

  grow(limit: number): void {
    while (this.shown < limit && this.block < this.blocks.length) {
      const b = this.blocks[this.block];
      if (b.kind === 'quote' && b.lines.length > QUOTE_FOLD) {
        this.root.appendChild(this.foldedQuote(b));
        this.shown += b.lines.length;
        this.next();
        continue;
      }
      const into = (this.into ??= this.open(b));
      const end = Math.min(b.lines.length, this.line + limit - this.shown);
      if (b.kind === 'diff') {
        for (const l of b.lines.slice(this.line, end)) {
          const s = document.createElement('span');
          s.className = l.kind;
          s.textContent = l.text + '\n';
          into.appendChild(s);
        }
      } else appendText(into, b.lines.slice(this.line, end));
      this.shown += end - this.line;
      this.line = end;
      if (end === b.lines.length) this.next();
    }
  }

  private next(): void {
    this.block++;
    this.line = 0;
    this.into = null;
  }

  /** The element a block's lines go into (text goes straight into the body). */
  private open(b: Block): Node {
    if (b.kind === 'text') return this.root;
    let el: HTMLElement;
    if (b.kind === 'diff') {
      const wrap = div();
      if (b.file) wrap.id = `${this.anchor}-d${this.files++}`;
      el = div('diff');
      el.dataset.testid = 'diff';
      if (b.file !== null) el.dataset.file = b.file;
      wrap.appendChild(el);
      this.root.appendChild(wrap);
      return el;
    }
    if (b.kind === 'quote') {
      el = div(`quote q${Math.min(b.depth, 3)}`);
      el.dataset.testid = 'quote';
    } else el = div(b.kind === 'sig' ? 'sig dim' : 'diffstat');
    this.root.appendChild(el);
    return el;
  }

  private foldedQuote(b: Extract<Block, { kind: 'quote' }>): HTMLElement {
    const el = div(`quote q${Math.min(b.depth, 3)}`);
    el.dataset.testid = 'quote';
    appendText(el, b.lines.slice(0, QUOTE_SHOWN));
    const more = document.createElement('button');
    more.type = 'button';
    more.className = 'unfold';
    more.textContent = `… ${b.lines.length - QUOTE_SHOWN} more quoted lines`;
    more.addEventListener('click', () => {
      more.remove();
      appendText(el, b.lines.slice(QUOTE_SHOWN));
    });
    el.appendChild(more);
    return el;
  }
}
