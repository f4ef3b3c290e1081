// Every scenario runs alone as `npm exec -- zx scenarios/<name>.mjs`: one wrapper, one link per scenario, no strays.
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIOS } from '../../../harness/cli/commands/run.ts';
import { findScenario, scenarios } from '../../../harness/scenarios/index.ts';

const DIR = join(import.meta.dirname, '../../../scenarios');
const WRAPPER = 'run-scenario.mjs';

describe('scenario scripts', () => {
  const scripts = readdirSync(DIR).filter((f) => f.endsWith('.mjs') && f !== WRAPPER);

  it('each scenario has scenarios/<name>.mjs, a link to the one wrapper', () => {
    expect(scripts.map((f) => f.slice(0, -'.mjs'.length)).sort()).toEqual(scenarios.map((s) => s.name).sort());
    for (const f of scripts) {
      expect(lstatSync(join(DIR, f)).isSymbolicLink(), f).toBe(true);
      expect(readlinkSync(join(DIR, f)), f).toBe(WRAPPER);
    }
  });

  it('the default scenarios exist', () => {
    expect(DEFAULT_SCENARIOS.length).toBeGreaterThan(0);
    for (const name of DEFAULT_SCENARIOS) expect(findScenario(name), name).toBeDefined();
  });
});
