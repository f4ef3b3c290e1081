#!/usr/bin/env zx
// The one zx wrapper behind every scenario script: scenarios/<name>.mjs is a symbolic link to this file, so
//   npm exec -- zx scenarios/guide.mjs [--backend sim] [--dataplanes N] [--executions M] [--seed S] [--report DIR] [--junit FILE]
// runs `flyte-mc run guide` with those flags, and `npm exec -- zx scenarios/run-scenario.mjs NAME [flags]` runs NAME.
// (npm exec puts the project's Node 22 first on PATH; the .ts library runs by type stripping.) Node resolves the link
// to this file, so the scenario's name is read from the path given on the command line.
import { realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runFromZx } from './zx.ts';

const self = fileURLToPath(import.meta.url);
const sameFile = (a) => {
  try {
    return realpathSync(a) === self;
  } catch {
    return false;
  }
};
const at = process.argv.findIndex((a, i) => i > 0 && a.endsWith('.mjs') && sameFile(a));
const invoked = at >= 0 ? process.argv[at] : self;
const rest = at >= 0 ? process.argv.slice(at + 1) : [];
if (basename(invoked) !== basename(self)) {
  await runFromZx(basename(invoked, '.mjs'), rest);
} else if (rest.length > 0 && !rest[0].startsWith('-')) {
  await runFromZx(rest[0], rest.slice(1));
} else {
  process.stderr.write(`usage: npm exec -- zx scenarios/${basename(self)} NAME [flags]   (names: ./flyte-mc run --list)\n`);
  process.exitCode = 2;
}
