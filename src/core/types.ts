/** A mail address as shown in headers. */
export interface Address {
  name: string;
  address: string;
}

/** An attachment's metadata (the bytes stay inside the raw message). */
export interface AttachmentMeta {
  filename: string;
  mimeType: string;
  size: number;
  /** Index among the message's attachments, used to re-extract it from raw bytes. */
  index: number;
}

/** The first crash report of a message, as the crash index and badges use it. */
export interface CrashSummary {
  title: string;
  type: string | null;
  frame: string | null;
  corrupted: boolean;
  kernel: string | null;
  /** Number of reports in the message (identical traces included). */
  reports: number;
}

/** One parsed message, as stored in IndexedDB (`messages`). */
export interface MessageRecord {
  /** Normalized Message-ID, without angle brackets. */
  id: string;
  /** True when the Message-ID was missing or unusable and `id` was derived from the bytes. */
  syntheticId: boolean;
  /** Inbox names this message was seen in (cross-posts are stored once). */
  inboxes: string[];
  /** Thread id: the Message-ID of the thread's root container (may be a ghost). */
  threadId: string;
  subject: string;
  from: Address;
  to: Address[];
  cc: Address[];
  /** Milliseconds since epoch (UTC). */
  date: number;
  /** The Date header as written, for display on hover. */
  dateRaw: string;
  /** Parent Message-ID from In-Reply-To (or the last reference), if any. */
  inReplyTo: string | null;
  /** References chain, oldest first, de-duplicated, without self. */
  references: string[];
  /** Decoded plain-text body (HTML-only mail converted to text). */
  text: string;
  attachments: AttachmentMeta[];
  hasPatch: boolean;
  hasOops: boolean;
  /** Raw message bytes (without the mbox From_ line, unescaped). */
  raw: Uint8Array;
  /** Set of list names from List-Id, lowercase, for diagnostics. */
  listId: string | null;
  /** Parse problems found, for display ("bad date", "no Message-ID"). */
  problems: string[];
}

/** A node of a thread tree; ghosts are referenced but missing messages. */
export interface ThreadNode {
  id: string;
  ghost: boolean;
  /** Date of the message (ghosts: earliest child date). */
  date: number;
  children: ThreadNode[];
}

/** A thread summary as stored in IndexedDB (`threads`). */
export interface ThreadRecord {
  id: string;
  rootId: string;
  subject: string;
  firstDate: number;
  lastDate: number;
  count: number;
  participants: string[];
  inboxes: string[];
  tree: ThreadNode;
  hasPatch: boolean;
  hasOops: boolean;
  /** The first crash found in the thread (title and type), for the list badge. */
  crash: { title: string; type: string | null } | null;
}
