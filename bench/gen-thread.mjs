/**
 * Deterministic reading-benchmark mail (mboxrd): one thread of 1,000 messages
 * (a 49-patch series under a cover letter, with nested review replies that
 * quote their parent) and, as a thread of its own, one patch of 5,000 lines.
 *
 *   node bench/gen-thread.mjs --out FILE.mbox[.gz] [--messages 1000] [--seed 1]
 *
 * Prints one JSON line: {"file", "rootId", "bigPatchId", "threadMessages", "bigPatchLines"}.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

/** mulberry32: a small seeded PRNG, so the output is a pure function of the options. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PEOPLE = [
  ['Alice Maintainer', 'alice@example.org'],
  ['Bob Reviewer', 'bob@example.com'],
  ['Carol Tester', 'carol@example.net'],
  ['Dmitry Hacker', 'dmitry@example.org'],
  ['Eve Robot', 'lkp@example.com'],
  ['Frank Lead', 'frank@example.com'],
  ['Grace Stable', 'grace@example.org'],
  ['Hiroshi Driver', 'hiroshi@example.jp'],
];
const AUTHOR = ['Patch Author', 'author@example.org'];
const WORDS = (
  'the a buffer lock driver device memory page queue request this that should ' +
  'would could we you it is not be free after use before return error path ' +
  'check null pointer value count refcount release probe remove irq handler'
).split(' ');
const FILES = [
  'drivers/usb/core/hub.c',
  'drivers/usb/class/cdc-wdm.c',
  'fs/locks.c',
  'mm/page_alloc.c',
  'net/core/dev.c',
  'kernel/sched/core.c',
  'include/linux/usb.h',
];

const BASE = Date.UTC(2024, 2, 1, 9, 0, 0);
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n) => String(n).padStart(2, '0');
function rfc2822(ms) {
  const d = new Date(ms);
  return (
    `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
  );
}

function sentence(rnd, n) {
  const w = [];
  for (let i = 0; i < n; i++) w.push(WORDS[Math.floor(rnd() * WORDS.length)]);
  const s = w.join(' ');
  return s[0].toUpperCase() + s.slice(1) + '.';
}

function diff(rnd, file, lines) {
  const out = [
    `diff --git a/${file} b/${file}`,
    'index 1a2b3c4..5d6e7f8 100644',
    `--- a/${file}`,
    `+++ b/${file}`,
  ];
  let at = 100 + Math.floor(rnd() * 900);
  while (out.length < lines) {
    const n = Math.min(lines - out.length - 1, 20 + Math.floor(rnd() * 40));
    if (n <= 0) break;
    out.push(`@@ -${at},${n} +${at},${n} @@ static int bench_fn_${at}(struct device *dev)`);
    for (let i = 0; i < n; i++) {
      const r = rnd();
      const code = `\tret = bench_op_${Math.floor(rnd() * 1000)}(dev, ${i}); /* ${WORDS[i % WORDS.length]} */`;
      out.push((r < 0.2 ? '-' : r < 0.45 ? '+' : ' ') + code);
    }
    at += n + 10;
  }
  return out;
}

/** One message as mboxrd text (">From " escaped). */
function message({ from, id, date, subject, inReplyTo, references, body }) {
  const h = [
    'From mboxrd@z Thu Jan  1 00:00:00 1970',
    `From: ${from[0]} <${from[1]}>`,
    'To: linux-kernel@vger.example.org',
    `Subject: ${subject}`,
    `Date: ${rfc2822(date)}`,
    `Message-ID: <${id}>`,
  ];
  if (inReplyTo) h.push(`In-Reply-To: <${inReplyTo}>`);
  if (references.length) h.push(`References: ${references.map((r) => `<${r}>`).join('\n ')}`);
  h.push('MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '');
  const escaped = body.map((l) => (/^>*From /.test(l) ? '>' + l : l));
  return h.concat(escaped, ['', '']).join('\n');
}

/** Builds the mbox text and the ids the benchmark navigates to. */
export function generate({ messages = 1000, seed = 1 } = {}) {
  const rnd = prng(seed);
  const series = Math.min(49, Math.max(1, Math.floor(messages / 20)));
  const out = [];
  const nodes = []; // { id, subject, refs, body, depth }
  let clock = BASE;
  const tick = () => (clock += 60_000 + Math.floor(rnd() * 600_000));

  const rootId = `20240301090000.1000-0-author@example.org`;
  const cover = {
    id: rootId,
    subject: `[PATCH v3 00/${series}] usb: bench: rework the reference counting`,
    refs: [],
    depth: 0,
    body: [
      'Hi,',
      '',
      ...Array.from({ length: 12 }, () => sentence(rnd, 14)),
      '',
      ...FILES.map((f) => ` ${f} | ${10 + Math.floor(rnd() * 90)} ++++----`),
      '',
      '-- ',
      '2.44.0',
    ],
    from: AUTHOR,
  };
  nodes.push(cover);
  for (let k = 1; k <= series && nodes.length < messages; k++) {
    const file = FILES[k % FILES.length];
    nodes.push({
      id: `20240301090000.1000-${k}-author@example.org`,
      subject: `[PATCH v3 ${pad(k)}/${series}] usb: bench: step ${k} of the rework`,
      refs: [rootId],
      depth: 1,
      body: [
        sentence(rnd, 16),
        sentence(rnd, 12),
        '',
        'Signed-off-by: Patch Author <author@example.org>',
        '---',
        ` ${file} | 40 ++++++++++----------`,
        '',
        ...diff(rnd, file, 40 + Math.floor(rnd() * 60)),
        '-- ',
        '2.44.0',
      ],
      from: AUTHOR,
    });
  }
  let n = 0;
  while (nodes.length < messages) {
    // Prefer recent messages as parents so discussions nest; cap the depth.
    const span = Math.min(nodes.length, 30);
    let parent = nodes[nodes.length - 1 - Math.floor(rnd() * rnd() * span)];
    if (parent.depth >= 14 || rnd() < 0.15) parent = nodes[1 + Math.floor(rnd() * series)] ?? cover;
    const from = PEOPLE[Math.floor(rnd() * PEOPLE.length)];
    const quoted = parent.body
      .filter((l) => l.trim() !== '')
      .slice(0, 4 + Math.floor(rnd() * 8))
      .map((l) => (l.startsWith('>') ? '>' + l : '> ' + l));
    const tag = rnd() < 0.2 ? ['', `Reviewed-by: ${from[0]} <${from[1]}>`] : [];
    nodes.push({
      id: `20240301.${String(++n).padStart(5, '0')}-review-${from[1].split('@')[0]}@example.org`,
      subject: 'Re: ' + parent.subject.replace(/^Re: /, ''),
      refs: [...parent.refs, parent.id].slice(-20),
      depth: parent.depth + 1,
      body: [
        `On ${rfc2822(clock)}, ${parent.from[0]} wrote:`,
        ...quoted,
        '',
        sentence(rnd, 10 + Math.floor(rnd() * 20)),
        ...(rnd() < 0.3 ? ['', sentence(rnd, 15)] : []),
        ...(rnd() < 0.05 ? ['From the look of it this is fine.'] : []),
        ...tag,
      ],
      from,
    });
  }
  for (const m of nodes) {
    out.push(
      message({
        from: m.from,
        id: m.id,
        date: tick(),
        subject: m.subject,
        inReplyTo: m.refs.at(-1) ?? null,
        references: m.refs,
        body: m.body,
      }),
    );
  }

  // A separate thread: one patch whose diff is 5,000 lines long over 5 files.
  const bigPatchId = '20240302120000.2000-1-author@example.org';
  const big = [];
  for (let f = 0; f < 5; f++) big.push(...diff(rnd, `drivers/gpu/drm/bench/table${f}.c`, 1000));
  out.push(
    message({
      from: AUTHOR,
      id: bigPatchId,
      date: tick(),
      subject: '[PATCH] drm/bench: regenerate the lookup tables',
      inReplyTo: null,
      references: [],
      body: [
        sentence(rnd, 20),
        '',
        'Signed-off-by: Patch Author <author@example.org>',
        '---',
        ...Array.from({ length: 5 }, (_, f) => ` drivers/gpu/drm/bench/table${f}.c | 996 +++---`),
        '',
        ...big,
        '-- ',
        '2.44.0',
      ],
    }),
  );
  return {
    text: out.join(''),
    rootId,
    bigPatchId,
    threadMessages: nodes.length,
    bigPatchLines: big.length,
  };
}

/** Writes the mbox (gzipped when the name ends in .gz) and returns what generate() returns. */
export function writeThreadMbox(file, opts = {}) {
  const g = generate(opts);
  const buf = Buffer.from(g.text, 'utf8');
  writeFileSync(file, file.endsWith('.gz') ? gzipSync(buf, { level: 6 }) : buf);
  return {
    file,
    rootId: g.rootId,
    bigPatchId: g.bigPatchId,
    threadMessages: g.threadMessages,
    bigPatchLines: g.bigPatchLines,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      messages: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
    },
  });
  if (!values.out) {
    console.error(
      'usage: node bench/gen-thread.mjs --out FILE.mbox[.gz] [--messages N] [--seed S]',
    );
    process.exit(2);
  }
  const r = writeThreadMbox(values.out, {
    messages: Number(values.messages),
    seed: Number(values.seed),
  });
  console.log(JSON.stringify(r));
}
