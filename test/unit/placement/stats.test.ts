import { describe, expect, it } from 'vitest';
import { chiSquareSurvival, gTest } from '../../../harness/placement/stats.ts';

describe('G-test', () => {
  it('chi-square survival matches the textbook critical values', () => {
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 10);
    expect(chiSquareSurvival(5.991464547107979, 2)).toBeCloseTo(0.05, 10);
    expect(chiSquareSurvival(23.209251158954356, 10)).toBeCloseTo(0.01, 10);
    expect(chiSquareSurvival(0, 3)).toBe(1);
  });

  it('computes G = 2 Σ O ln(O/E) and its p-value', () => {
    expect(gTest([50, 50], [0.5, 0.5])).toEqual({ g: 0, df: 1, pValue: 1 });
    const r = gTest([60, 40], [0.5, 0.5]);
    expect(r.g).toBeCloseTo(2 * (60 * Math.log(60 / 50) + 40 * Math.log(40 / 50)), 12);
    expect(r.pValue).toBeCloseTo(chiSquareSurvival(r.g, 1), 12);
  });

  it('treats a zero expected share as impossible and ignores empty zero cells', () => {
    expect(gTest([10, 1], [1, 0]).pValue).toBe(0);
    expect(gTest([10, 0, 10], [0.5, 0, 0.5])).toMatchObject({ df: 1, pValue: 1 });
    expect(gTest([0, 0], [0.5, 0.5]).pValue).toBe(1);
  });
});
