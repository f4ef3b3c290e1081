// FNV-1a 64 over the UTF-8 bytes of a string (Go's hash/fnv New64a), in 32-bit halves, and Go's byte-wise string
// order. A JS string with a lone surrogate has no UTF-8 form; it is encoded as U+FFFD, as TextEncoder does.

const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
const PRIME_LO = 0x1b3; // the prime is 2^40 + 0x1b3
const TWO32 = 4294967296;

/** Out-parameters of fnv1a64 (the hash as unsigned halves; int64(h) is the same bits). */
export const fnvOut = { hi: 0, lo: 0 };

let hi = 0;
let lo = 0;

function mix(byte: number): void {
  const l = (lo ^ byte) >>> 0;
  // (hi, l) * (2^40 + 0x1b3) mod 2^64
  const p = l * PRIME_LO;
  const plo = p >>> 0;
  const carry = (p - plo) / TWO32;
  hi = (Math.imul(hi, PRIME_LO) + carry + (l << 8)) >>> 0;
  lo = plo;
}

/** FNV-1a 64 of the UTF-8 encoding of s, into fnvOut. */
export function fnv1a64(s: string): void {
  hi = OFFSET_HI;
  lo = OFFSET_LO;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      mix(c);
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
    if (c < 0x800) {
      mix(0xc0 | (c >> 6));
      mix(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      mix(0xe0 | (c >> 12));
      mix(0x80 | ((c >> 6) & 0x3f));
      mix(0x80 | (c & 0x3f));
    } else {
      mix(0xf0 | (c >> 18));
      mix(0x80 | ((c >> 12) & 0x3f));
      mix(0x80 | ((c >> 6) & 0x3f));
      mix(0x80 | (c & 0x3f));
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
