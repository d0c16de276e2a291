/** The series worker: range-diffs, which can take seconds on big series, off the page's thread. */
import * as Comlink from 'comlink';
import { rangeDiff, type RangeEntry, type RangePatch } from '../src/core/series/rangediff';

const api = {
  /** Pairs and compares the patches of two versions (see src/core/series/rangediff.ts). */
  rangeDiff(oldPatches: RangePatch[], newPatches: RangePatch[]): RangeEntry[] {
    return rangeDiff(oldPatches, newPatches);
  },
};

/** The series worker's API, as seen through Comlink. */
export type SeriesApi = typeof api;

Comlink.expose(api);
