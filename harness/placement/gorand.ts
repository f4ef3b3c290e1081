// A port of Go's math/rand v1 source (rngSource: additive lagged Fibonacci, seeded through a Lehmer LCG and the
// 607-word cooked table) and of the *Rand methods FlyteAdmin reaches: Int63, Float64 and Float32, with their
// "draw again when the result rounds to 1.0" loops. 64-bit words are kept as two unsigned 32-bit halves so the
// hot paths never touch BigInt; BigInt appears only in the convenience helpers used by tests and explanations.
import { RNG_COOKED } from './rng-cooked.ts';

const RNG_LEN = 607;
const RNG_TAP = 273;
/** 2^31 − 1, the modulus of Go's seedrand LCG. */
export const INT32_MAX = 2147483647;
/** Go's replacement for a seed state of 0. */
export const ZERO_SEED_STATE = 89482311;
const LCG_A = 48271;
const TWO32 = 4294967296;
const TWO63 = 9223372036854775808;

/** x mod (2^31 − 1) for an integer 0 ≤ x < 2^52, exact in doubles (Mersenne folding). */
function modM(x: number): number {
  const hi = Math.floor(x / 2147483648);
  let r = x - hi * 2147483648 + hi;
  while (r >= INT32_MAX) r -= INT32_MAX;
  return r;
}

/** a·b mod (2^31 − 1) for 0 ≤ a, b < 2^31, exact. */
function mulModM(a: number, b: number): number {
  const bh = Math.floor(b / 65536);
  const bl = b - bh * 65536;
  return modM(modM(a * bh) * 65536 + a * bl);
}

/** One step of Go's seedrand: x·48271 mod (2^31 − 1). Go uses Schrage's method in int32; the value is the same. */
export function seedrand(x: number): number {
  return modM(x * LCG_A);
}

/**
 * rngSource.Seed's reduction of an int64 seed given as two's complement halves: seed % (2^31 − 1) with Go's
 * truncated remainder, + (2^31 − 1) when negative, and 0 replaced by 89482311. Uses 2^32 ≡ 2 and 2^64 ≡ 4.
 */
export function lcgState0(hi: number, lo: number): number {
  const negative = hi >= 0x80000000;
  let r = modM(2 * (hi >>> 0) + (lo >>> 0));
  if (negative) {
    r -= 4;
    if (r < 0) r += INT32_MAX;
  }
  return r === 0 ? ZERO_SEED_STATE : r;
}

/** Splits an int64 (or uint64) BigInt into unsigned 32-bit halves of its two's complement form. */
export function int64Halves(seed: bigint): { hi: number; lo: number } {
  const u = BigInt.asUintN(64, seed);
  return { hi: Number(u >> 32n), lo: Number(u & 0xffffffffn) };
}

export function halvesToInt64(hi: number, lo: number): bigint {
  return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
}

export function halvesToUint64(hi: number, lo: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** float64(int63)/2^63 for an Int63 given as halves (hi < 2^31): one correctly rounded conversion, as Go does. */
function int63ToFloat64(hi: number, lo: number): number {
  return (hi * TWO32 + lo) / TWO63;
}

/** Go's rand.New(rand.NewSource(seed)): the full 607-word generator. */
export class GoRand {
  private readonly vecHi = new Uint32Array(RNG_LEN);
  private readonly vecLo = new Uint32Array(RNG_LEN);
  private tap = 0;
  private feed = RNG_LEN - RNG_TAP;
  /** Halves of the most recent Uint64 (for callers that want the raw word without allocating). */
  lastHi = 0;
  lastLo = 0;

  constructor(seed: bigint | { hi: number; lo: number } = 0n) {
    const { hi, lo } = typeof seed === 'bigint' ? int64Halves(seed) : seed;
    this.seedHalves(hi, lo);
  }

  /** rngSource.Seed for an int64 seed given as two's complement halves. */
  seedHalves(hi: number, lo: number): void {
    this.tap = 0;
    this.feed = RNG_LEN - RNG_TAP;
    let x = lcgState0(hi, lo);
    for (let i = -20; i < RNG_LEN; i++) {
      x = seedrand(x);
      if (i >= 0) {
        const a = x;
        const b = (x = seedrand(x));
        const c = (x = seedrand(x));
        // u = a<<40 ^ b<<20 ^ c, truncated to 64 bits, then ^ rngCooked[i].
        this.vecHi[i] = ((a << 8) ^ (b >>> 12) ^ RNG_COOKED[2 * i]!) >>> 0;
        this.vecLo[i] = ((b << 20) ^ c ^ RNG_COOKED[2 * i + 1]!) >>> 0;
      }
    }
  }

  /** State word i right after seeding or later, as a signed int64 (for tests). */
  stateWord(i: number): bigint {
    return halvesToInt64(this.vecHi[i]!, this.vecLo[i]!);
  }

  /** rngSource.Uint64 without allocation: leaves the halves in lastHi / lastLo. */
  private step(): void {
    if (--this.tap < 0) this.tap += RNG_LEN;
    if (--this.feed < 0) this.feed += RNG_LEN;
    const f = this.feed;
    const t = this.tap;
    const lo = this.vecLo[f]! + this.vecLo[t]!;
    const carry = lo >= TWO32 ? 1 : 0;
    const hi = (this.vecHi[f]! + this.vecHi[t]! + carry) >>> 0;
    this.vecHi[f] = hi;
    this.vecLo[f] = lo >>> 0;
    this.lastHi = hi;
    this.lastLo = lo >>> 0;
  }

  uint64(): bigint {
    this.step();
    return halvesToUint64(this.lastHi, this.lastLo);
  }

  int63(): bigint {
    this.step();
    return halvesToUint64(this.lastHi & 0x7fffffff, this.lastLo);
  }

  /** float64(Int63())/2^63, drawn again while it equals 1. */
  float64(): number {
    for (;;) {
      this.step();
      const f = int63ToFloat64(this.lastHi & 0x7fffffff, this.lastLo);
      if (f !== 1) return f;
    }
  }

  /** float32(Float64()), drawn again while it equals 1. */
  float32(): number {
    for (;;) {
      const f = Math.fround(this.float64());
      if (f !== 1) return f;
    }
  }
}

// ---- Fast path: the first draw of a freshly seeded source -------------------------------------------------------
// The first Uint64 is vec[333] + vec[606] (feed 334→333, tap 0→606). vec[i] is built from LCG states
// x_{21+3i}, x_{22+3i}, x_{23+3i} after the seed state x_0, and x_n = x_0·48271^n mod (2^31 − 1).

function powModM(base: number, exp: number): number {
  let result = 1;
  let b = base;
  let e = exp;
  while (e > 0) {
    if (e & 1) result = mulModM(result, b);
    b = mulModM(b, b);
    e >>>= 1;
  }
  return result;
}

const FEED0 = RNG_LEN - RNG_TAP - 1; // 333
const TAP0 = RNG_LEN - 1; // 606
const JUMP_FEED = powModM(LCG_A, 21 + 3 * FEED0);
const JUMP_TAP = powModM(LCG_A, 21 + 3 * TAP0);
const JUMP_FEED_H = Math.floor(JUMP_FEED / 65536);
const JUMP_FEED_L = JUMP_FEED - JUMP_FEED_H * 65536;
const JUMP_TAP_H = Math.floor(JUMP_TAP / 65536);
const JUMP_TAP_L = JUMP_TAP - JUMP_TAP_H * 65536;
const COOKED_FEED_HI = RNG_COOKED[2 * FEED0]!;
const COOKED_FEED_LO = RNG_COOKED[2 * FEED0 + 1]!;
const COOKED_TAP_HI = RNG_COOKED[2 * TAP0]!;
const COOKED_TAP_LO = RNG_COOKED[2 * TAP0 + 1]!;

/** Out-parameters of firstInt63 (avoids allocating in the hot loop). */
export const firstDraw = { hi: 0, lo: 0 };

/** The first Int63 of rand.NewSource(seed) for a reduced seed state x0 (see lcgState0), into firstDraw. */
export function firstInt63(x0: number): void {
  const a1 = modM(modM(x0 * JUMP_FEED_H) * 65536 + x0 * JUMP_FEED_L);
  const b1 = modM(a1 * LCG_A);
  const c1 = modM(b1 * LCG_A);
  const a2 = modM(modM(x0 * JUMP_TAP_H) * 65536 + x0 * JUMP_TAP_L);
  const b2 = modM(a2 * LCG_A);
  const c2 = modM(b2 * LCG_A);
  const h1 = ((a1 << 8) ^ (b1 >>> 12) ^ COOKED_FEED_HI) >>> 0;
  const l1 = ((b1 << 20) ^ c1 ^ COOKED_FEED_LO) >>> 0;
  const h2 = ((a2 << 8) ^ (b2 >>> 12) ^ COOKED_TAP_HI) >>> 0;
  const l2 = ((b2 << 20) ^ c2 ^ COOKED_TAP_LO) >>> 0;
  const lo = l1 + l2;
  const carry = lo >= TWO32 ? 1 : 0;
  firstDraw.hi = (h1 + h2 + carry) & 0x7fffffff;
  firstDraw.lo = lo >>> 0;
}

/** Out-parameter of firstFloat32: whether Float32 had to draw more than once (falls back to the full generator). */
export const float32Info = { resampled: false };

/**
 * rand.New(rand.NewSource(seed)).Float32() for an int64 seed given as halves. Uses the two-word fast path and
 * falls back to the full generator in the rare case (about 2^-24) that the first draw rounds to 1.0.
 */
export function firstFloat32(seedHi: number, seedLo: number): number {
  firstInt63(lcgState0(seedHi, seedLo));
  const f = Math.fround(int63ToFloat64(firstDraw.hi, firstDraw.lo));
  if (f !== 1) {
    float32Info.resampled = false;
    return f;
  }
  float32Info.resampled = true;
  return new GoRand({ hi: seedHi, lo: seedLo }).float32();
}
