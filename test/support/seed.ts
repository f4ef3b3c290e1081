// Every property prints its seed so a failure replays exactly: FC_SEED=<seed> vitest run <file>. Seeds that once
// failed are kept as fixed examples next to the property (fast-check runs `examples` first).
import type fc from 'fast-check';

export function seedFor(name: string): number {
  const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 2 ** 31);
  console.log(`[property] ${name}: seed ${seed} (replay with FC_SEED=${seed})`);
  return seed;
}

export function propertyParams<Ts>(name: string, numRuns: number, examples: Ts[] = []): fc.Parameters<Ts> {
  return { seed: seedFor(name), numRuns, examples };
}
