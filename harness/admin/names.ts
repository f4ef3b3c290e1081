// Execution names as FlyteAdmin generates them (flyteadmin/pkg/manager/impl/util/shared.go): "a" followed by 19
// characters of k8s.io/apimachinery's rand alphabet, here drawn from a seeded generator so runs are reproducible.

/** k8s.io/apimachinery/pkg/util/rand's alphabet (no vowels, no confusable digits). */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** splitmix32-style mixer over a 32-bit state: fast, well distributed, reproducible from a seed. */
export class NameSource {
  private state: number;
  constructor(seed: number | string = 0) {
    this.state = typeof seed === 'number' ? seed >>> 0 : hash32(seed);
  }
  private next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }
  /** The next generated execution name: "a" + 19 characters (20 in all). */
  name(): string {
    let s = 'a';
    for (let i = 0; i < 19; i += 6) {
      let r = this.next();
      for (let j = i; j < Math.min(i + 6, 19); j++) {
        s += ALPHABET[r % 27];
        r = Math.floor(r / 27);
      }
    }
    return s;
  }
}

export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** True for names shaped like FlyteAdmin's generated ones. */
export function looksGenerated(name: string): boolean {
  return /^a[bcdfghjklmnpqrstvwxz2456789]{19}$/.test(name);
}
