/**
 * The query AST shared by the parser, the evaluator and the describer.
 * The fields themselves are declared in fields.ts.
 */

import type { DateField, ExactField, TextField } from './fields';

export type { DateField, ExactField, TextField };

/** Values accepted by `is:`. */
export type Flag = 'unread' | 'read' | 'patch' | 'oops';

/** An inclusive range in epoch milliseconds (UTC); null means open-ended. */
export interface Range {
  from: number | null;
  to: number | null;
}

/**
 * One word or a run of words that must appear consecutively.
 * `prefix` makes the last token match any word starting with it (`foo*`).
 * `quoted` records whether the user wrote a "phrase" (for describeQuery only).
 */
export interface TextNode {
  kind: 'text';
  field: TextField;
  tokens: string[];
  prefix: boolean;
  quoted: boolean;
  /** Lowercased value as typed (e.g. `drivers/usb/class/cdc-wdm.c`), for display. */
  display: string;
}

export interface ExactNode {
  kind: 'exact';
  field: ExactField;
  /** Lowercased value, without `<>` and without the trailing `*`. */
  value: string;
  prefix: boolean;
}

export interface DateNode extends Range {
  kind: 'date';
  field: DateField;
}

export interface SizeNode extends Range {
  kind: 'size';
}

export interface FlagNode {
  kind: 'flag';
  flag: Flag;
}

export interface AndNode {
  kind: 'and';
  children: QueryNode[];
}

export interface OrNode {
  kind: 'or';
  children: QueryNode[];
}

export interface XorNode {
  kind: 'xor';
  children: QueryNode[];
}

export interface NotNode {
  kind: 'not';
  child: QueryNode;
}

/** Matches every message: what an empty query means. */
export interface AllNode {
  kind: 'all';
}

export type QueryNode =
  | TextNode
  | ExactNode
  | DateNode
  | SizeNode
  | FlagNode
  | AndNode
  | OrNode
  | XorNode
  | NotNode
  | AllNode;

/** A parse failure: `offset` is the UTF-16 index in the input where the problem starts. */
export interface QueryError {
  message: string;
  offset: number;
}

export type ParseResult = { ok: true; ast: QueryNode } | { ok: false; error: QueryError };

export const FLAGS: readonly Flag[] = ['unread', 'read', 'patch', 'oops'];

/** Makes a switch exhaustive at compile time; unreachable at run time. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
