// flytestdlib/random/weighted_random_list.go: validation, sort by id (UTF-8 bytes), float32 cumulative totals with
// the all-zero → 1/n rule and zero weights dropped otherwise, and the `>=` walk with a fallback to the last entry.
import { compareUtf8 } from './fnv.ts';

/** A configuration FlyteAdmin refuses at startup (or a selector call it rejects), with FlyteAdmin's wording. */
export class PlacementError extends Error {
  readonly code: PlacementErrorCode;
  constructor(code: PlacementErrorCode, message: string) {
    super(message);
    this.name = 'PlacementError';
    this.code = code;
  }
}

export type PlacementErrorCode =
  | 'entries-empty'
  | 'invalid-weight'
  | 'duplicate-cluster'
  | 'invalid-target'
  | 'remote-target-unsupported'
  | 'label-unsupported';

export interface WeightedItem {
  id: string;
  /** float32 value; non-float32 input is rounded with Math.fround. */
  weight: number;
}

export interface WeightedSlot {
  id: string;
  weight: number;
  /** float32 running total: the slot wins when it is the first with cumulative >= the scaled draw. */
  cumulative: number;
}

/** Go's fmt %f (6 decimals, exact value, ties to even) of a float32. */
export function formatGoF(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const exact = Math.abs(x).toFixed(100); // exact for any float32 (at most 149 fractional bits → digits ≤ 100 matter only for ties)
  const [int, frac] = exact.split('.') as [string, string];
  const kept = frac.slice(0, 6);
  const rest = frac.slice(6);
  let roundUp: boolean;
  if (rest[0]! > '5') roundUp = true;
  else if (rest[0]! < '5') roundUp = false;
  else if (/[1-9]/.test(rest.slice(1))) roundUp = true;
  else roundUp = Number(kept[5]) % 2 === 1;
  let digits = BigInt(int + kept);
  if (roundUp) digits += 1n;
  const s = digits.toString().padStart(7, '0');
  return `${neg ? '-' : ''}${s.slice(0, -6)}.${s.slice(-6)}`;
}

/** validateEntries: `entries is empty`, `invalid weight %f, index %d` (index in the list as passed, before sorting). */
export function validateEntries(items: readonly WeightedItem[]): void {
  if (items.length === 0) throw new PlacementError('entries-empty', 'entries is empty');
  items.forEach((item, index) => {
    const w = Math.fround(item.weight);
    if (w < 0 || w > 1) throw new PlacementError('invalid-weight', `invalid weight ${formatGoF(w)}, index ${index}`);
  });
}

/** NewWeightedRandom's result: the eligible slots in order and the float32 total the draw is scaled by. */
export class WeightedList {
  readonly slots: readonly WeightedSlot[];
  readonly total: number;
  /** Whether every weight was zero, so each entry got float32(1)/float32(n). */
  readonly uniform: boolean;
  private readonly cum: Float64Array;

  private constructor(slots: WeightedSlot[], total: number, uniform: boolean) {
    this.slots = slots;
    this.total = total;
    this.uniform = uniform;
    this.cum = Float64Array.from(slots, (s) => s.cumulative);
  }

  /** NewWeightedRandom: throws PlacementError as FlyteAdmin would. */
  static build(items: readonly WeightedItem[]): WeightedList {
    validateEntries(items);
    // Go's sort.Slice is insertion sort (stable) below 13 elements; JS's sort is stable too.
    const sorted = items
      .map((it) => ({ id: it.id, weight: Math.fround(it.weight) }))
      .sort((a, b) => compareUtf8(a.id, b.id));
    let sum = 0;
    for (const e of sorted) sum = Math.fround(sum + e.weight);
    const uniform = sum === 0;
    const share = Math.fround(1 / sorted.length);
    let current = 0;
    const slots: WeightedSlot[] = [];
    for (const e of sorted) {
      if (uniform) current = Math.fround(current + share);
      else if (e.weight === 0) continue;
      current = Math.fround(current + e.weight);
      slots.push({ id: e.id, weight: e.weight, cumulative: current });
    }
    return new WeightedList(slots, current, uniform);
  }

  /** float32(u · total): the value the cumulative totals are compared against. */
  scaled(u: number): number {
    return Math.fround(u * this.total);
  }

  /** Index of the slot picked for a Float32 draw u. */
  indexFor(u: number): number {
    const r = Math.fround(u * this.total);
    const cum = this.cum;
    const n = cum.length;
    for (let i = 0; i < n; i++) {
      const c = cum[i]!;
      if (c >= r && c > 0) return i;
    }
    return n - 1;
  }

  pick(u: number): string {
    return this.slots[this.indexFor(u)]!.id;
  }
}
