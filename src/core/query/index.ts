/**
 * The public-inbox search language: parse a query typed for lore.kernel.org,
 * evaluate it against local messages, and print or highlight it.
 */
export type {
  AndNode,
  AllNode,
  DateField,
  DateNode,
  ExactField,
  ExactNode,
  Flag,
  FlagNode,
  NotNode,
  OrNode,
  ParseResult,
  QueryError,
  QueryNode,
  Range,
  SizeNode,
  TextField,
  TextNode,
  XorNode,
} from './ast';
export { parseQuery } from './parse';
export { parseDateRange } from './date';
export { matchMessage } from './match';
export {
  PreparedDoc,
  diffFiles,
  prepareDoc,
  splitBody,
  type BodyParts,
  type SearchDoc,
} from './doc';
export { describeQuery, queryTerms, type QueryTerm } from './describe';
export { tokenize } from './tokenize';
