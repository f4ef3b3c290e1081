// FNV-1a 64 over the UTF-8 bytes of a string (Go's hash/fnv New64a), in 32-bit halves, and Go's byte-wise string
// order. A JS string with a lone surrogate has no UTF-8 form; it is encoded as U+FFFD, as TextEncoder does.

const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
const PRIME_LO = 0x1b3; // the prime is 2^40 + 0x1b3
const TWO32 = 4294967296;

/** Out-parameters of fnv1a64 (the hash as unsigned halves; int64(h) is the same bits). */
export const fnvOut = { hi: 0, lo: 0 };

/** FNV-1a 64 of the UTF-8 encoding of s, into fnvOut. Locals only: module-level uint32s would be boxed. */
export function fnv1a64(s: string): void {
  let hi = OFFSET_HI;
  let lo = OFFSET_LO;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      // h ^= byte; h *= 2^40 + 0x1b3 (mod 2^64), in 32-bit halves
      const l = (lo ^ c) >>> 0;
      const p = l * PRIME_LO;
      lo = p >>> 0;
      hi = (Math.imul(hi, PRIME_LO) + (p - lo) / TWO32 + (l << 8)) >>> 0;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else {
        c = 0xfffd;
      }
    }
    // Multi-byte sequence: lead byte, then continuation bytes.
    let count: number;
    let lead: number;
    if (c < 0x800) {
      count = 1;
      lead = 0xc0 | (c >> 6);
    } else if (c < 0x10000) {
      count = 2;
      lead = 0xe0 | (c >> 12);
    } else {
      count = 3;
      lead = 0xf0 | (c >> 18);
    }
    for (let k = count; k >= 0; k--) {
      const byte = k === count ? lead : 0x80 | ((c >> (6 * k)) & 0x3f);
      const l = (lo ^ byte) >>> 0;
      const p = l * PRIME_LO;
      lo = p >>> 0;
      hi = (Math.imul(hi, PRIME_LO) + (p - lo) / TWO32 + (l << 8)) >>> 0;
    }
  }
  fnvOut.hi = hi;
  fnvOut.lo = lo;
}

/** FNV-1a 64 of s as 16 hex digits. */
export function fnv1a64Hex(s: string): string {
  fnv1a64(s);
  return fnvOut.hi.toString(16).padStart(8, '0') + fnvOut.lo.toString(16).padStart(8, '0');
}

const encoder = new TextEncoder();

/** Go's string `<`: compares UTF-8 bytes (JS `<` compares UTF-16 code units, which differs above U+FFFF). */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    if (x[i] !== y[i]) return x[i]! - y[i]!;
  }
  return x.length - y.length;
}
