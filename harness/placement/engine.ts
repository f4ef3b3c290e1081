// FlyteAdmin's seed function (getRandSource: fnv64a of the execution name → int64 → rand.NewSource) and one
// Float32 draw, as used by GetWithSeed. Allocation-free in the common case.
import { fnv1a64, fnvOut } from './fnv.ts';
import { firstFloat32, float32Info, halvesToInt64, lcgState0 } from './gorand.ts';
import type { WeightedList } from './weighted.ts';

/** rand.New(rand.NewSource(int64(fnv64a(name)))).Float32(). */
export function drawForName(name: string): number {
  fnv1a64(name);
  return firstFloat32(fnvOut.hi, fnvOut.lo);
}

/** The id FlyteAdmin's GetWithSeed picks from `list` for an execution name. */
export function pickForName(list: WeightedList, name: string): string {
  return list.pick(drawForName(name));
}

/** Index of the slot picked for an execution name (no allocation). */
export function indexForName(list: WeightedList, name: string): number {
  return list.indexFor(drawForName(name));
}

export interface DrawTrace {
  name: string;
  /** FNV-1a 64 of the UTF-8 bytes, 16 hex digits. */
  fnv64a: string;
  /** int64(fnv64a) in decimal. */
  seed: string;
  /** The seed reduced mod 2^31−1 (0 → 89482311): names with equal values get identical streams. */
  lcgState0: number;
  /** The Float32 draw u in [0,1). */
  u: number;
  /** IEEE-754 bits of u. */
  uBits: string;
  /** Whether Float32 rounded to 1.0 and drew again. */
  resampled: boolean;
}

export function float32Bits(x: number): string {
  const b = new DataView(new ArrayBuffer(4));
  b.setFloat32(0, x);
  return `0x${b.getUint32(0).toString(16).padStart(8, '0')}`;
}

/** The intermediate values of the draw for a name (for explanations and tests). */
export function traceDraw(name: string): DrawTrace {
  fnv1a64(name);
  const { hi, lo } = fnvOut;
  const u = firstFloat32(hi, lo);
  return {
    name,
    fnv64a: hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0'),
    seed: halvesToInt64(hi, lo).toString(),
    lcgState0: lcgState0(hi, lo),
    u,
    uBits: float32Bits(u),
    resampled: float32Info.resampled,
  };
}
