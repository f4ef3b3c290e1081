// Agreement with the committed vectors in test/fixtures/placement: every expected value there was computed by
// tools/placement-oracle (Go's hash/fnv and math/rand, Flyte's flytestdlib weighted list); each file's _generated_by
// names the command. test/property/placement-oracle.test.ts regenerates them when the oracle is built.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GoRand, int64Halves, lcgState0, seedrand, firstFloat32 } from '../../../harness/placement/gorand.ts';
import { fnv1a64Hex } from '../../../harness/placement/fnv.ts';
import { drawForName, float32Bits, traceDraw } from '../../../harness/placement/engine.ts';
import { WeightedList } from '../../../harness/placement/weighted.ts';

const dataDir = path.resolve(import.meta.dirname, '../../fixtures/placement');

interface RandVector {
  label: string;
  name?: string;
  utf8_hex?: string;
  fnv64a_hex?: string;
  seed: string;
  lcg_state0: number;
  seedrand_first5: number[];
  vec_after_seed: Record<string, string>;
  source_uint64_first10: string[];
  int63_first10: string[];
  float32_first10: number[];
  float32_bits_first10: string[];
  float64_first10: number[];
}

interface PlacementCase {
  name: string;
  entries: { id: string; weight: number }[];
  expected: string;
  tags: string[];
  trace: {
    fnv64a: string;
    seed: string;
    lcg_state0: number;
    int63_draws: string[];
    u_bits: string;
    total_bits: string;
    random_weight_bits: string;
    sorted_ids: string[];
    cumulative: number[];
    selected: string;
  };
}

function load<T>(file: string): T {
  return JSON.parse(readFileSync(path.join(dataDir, file), 'utf8')) as T;
}

describe('go-rand-vectors.json', () => {
  const data = load<Record<string, RandVector[]> & { _generated_by: string }>('go-rand-vectors.json');
  const all = [...data.samples!, ...data.edge_cases!, ...data.raw_seeds!];

  it('names the command that generated it, and has vectors', () => {
    expect(data._generated_by).toMatch(/^placement-oracle rand-vectors < test\/fixtures\/placement\/vector-inputs\.json .*flytestdlib v1\.16\.8/);
    expect(all.length).toBeGreaterThan(10);
  });

  it.each(all.map((v) => [`${v.label} ${v.name ?? v.seed}`, v] as const))('%s', (_, v) => {
    if (v.name !== undefined) {
      expect(Buffer.from(v.name, 'utf8').toString('hex')).toBe(v.utf8_hex);
      expect(fnv1a64Hex(v.name)).toBe(v.fnv64a_hex);
      expect(traceDraw(v.name).seed).toBe(v.seed);
    }
    const { hi, lo } = int64Halves(BigInt(v.seed));
    expect(lcgState0(hi, lo)).toBe(v.lcg_state0);
    let x = v.lcg_state0;
    const lcg: number[] = [];
    for (let i = 0; i < 5; i++) lcg.push((x = seedrand(x)));
    expect(lcg).toEqual(v.seedrand_first5);

    const seeded = new GoRand(BigInt(v.seed));
    for (const [i, word] of Object.entries(v.vec_after_seed)) expect(seeded.stateWord(Number(i))).toBe(BigInt(word));

    const src = new GoRand(BigInt(v.seed));
    expect(v.source_uint64_first10.map(() => src.uint64().toString())).toEqual(v.source_uint64_first10);
    const r63 = new GoRand(BigInt(v.seed));
    expect(v.int63_first10.map(() => r63.int63().toString())).toEqual(v.int63_first10);
    const r64 = new GoRand(BigInt(v.seed));
    expect(v.float64_first10.map(() => r64.float64())).toEqual(v.float64_first10);
    const r32 = new GoRand(BigInt(v.seed));
    const f32 = v.float32_first10.map(() => r32.float32());
    expect(f32).toEqual(v.float32_first10);
    expect(f32.map(float32Bits)).toEqual(v.float32_bits_first10);

    expect(firstFloat32(hi, lo)).toBe(v.float32_first10[0]);
  });
});

describe('placement-vectors.json', () => {
  const data = load<{ _generated_by: string; cases: PlacementCase[] }>('placement-vectors.json');

  it('names the command that generated it, and has cases', () => {
    expect(data._generated_by).toMatch(/^placement-oracle placement-vectors < test\/fixtures\/placement\/vector-inputs\.json .*flytestdlib v1\.16\.8/);
    expect(data.cases.length).toBeGreaterThan(100);
  });

  it('agrees on every case (picks and traces)', () => {
    const failures: string[] = [];
    for (const c of data.cases) {
      const t = traceDraw(c.name);
      const list = WeightedList.build(c.entries);
      const got = list.pick(t.u);
      const r = list.scaled(t.u);
      const draws = c.trace.int63_draws.length;
      const checks: [string, unknown, unknown][] = [
        ['selected', got, c.expected],
        ['fnv64a', t.fnv64a, c.trace.fnv64a],
        ['seed', t.seed, c.trace.seed],
        ['lcg_state0', t.lcgState0, c.trace.lcg_state0],
        ['u', t.uBits, c.trace.u_bits],
        ['resampled', t.resampled, draws > 1],
        ['total', float32Bits(list.total), c.trace.total_bits],
        ['random_weight', float32Bits(r), c.trace.random_weight_bits],
        ['sorted_ids', JSON.stringify(list.slots.map((s) => s.id)), JSON.stringify(c.trace.sorted_ids)],
        ['cumulative', JSON.stringify(list.slots.map((s) => s.cumulative)), JSON.stringify(c.trace.cumulative)],
      ];
      const g = new GoRand(BigInt(c.trace.seed));
      const int63 = c.trace.int63_draws.map(() => g.int63().toString());
      checks.push(['int63_draws', JSON.stringify(int63), JSON.stringify(c.trace.int63_draws)]);
      for (const [what, a, b] of checks) {
        if (a !== b) failures.push(`${JSON.stringify(c.name)} [${c.tags.join(',')}] ${what}: got ${String(a)}, want ${String(b)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('covers the cases ports get wrong', () => {
    const tags = new Set(data.cases.flatMap((c) => c.tags));
    for (const t of ['float32-sensitive', 'float32-resample', 'utf16-order-differs', 'unicode-name', 'all-zero']) {
      expect(tags.has(t), t).toBe(true);
    }
  });
});

describe('checksum over a million Flyte-style names', () => {
  const { checksum } = load<{ checksum: { pattern: string; count: number; entries: { id: string; weight: number }[]; counts: Record<string, number> } }>('placement-vectors.json');

  it('splits a/b/c as flytestdlib does (counts from placement-vectors.json)', () => {
    expect(checksum.pattern).toBe('a%019d');
    const list = WeightedList.build(checksum.entries);
    const counts: Record<string, number> = {};
    for (let i = 0; i < checksum.count; i++) {
      const id = list.pick(drawForName(`a${String(i).padStart(19, '0')}`));
      counts[id] = (counts[id] ?? 0) + 1;
    }
    expect(counts).toEqual(checksum.counts);
  });
});
