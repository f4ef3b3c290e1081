// The command registry: every entry loads the command it names, and a command's start-up loads only what it uses
// (no AWS SDK, testcontainers, client-node or grpc for the everyday commands), checked by tracing module resolution.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../../harness/cli/command.ts';
import { commands } from '../../../harness/cli/commands/index.ts';
import { main } from '../../../harness/cli/main.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(tmpdir(), 'flyte-mc-registry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const heavy = ['@aws-sdk/', '@smithy/', 'testcontainers', '@testcontainers/', '@kubernetes/client-node', '@grpc/', 'protobufjs', 'dockerode', 'jose', 'zx'];

/** Packages (under node_modules) the CLI resolves while running ARGS in a fresh Node. */
function packagesLoaded(args: string[]): { status: number | null; packages: string[] } {
  const hook = path.join(dir, 'trace.mjs');
  const log = path.join(dir, `${args[0]}.log`);
  writeFileSync(
    hook,
    `import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';
const seen = new Set();
registerHooks({ resolve(s, c, next) { const r = next(s, c); seen.add(r.url); return r; } });
process.on('exit', () => writeFileSync(${JSON.stringify(log)}, [...seen].join('\\n')));
`,
  );
  const r = spawnSync(process.execPath, ['--import', hook, path.join(root, 'harness/cli/main.ts'), ...args], { cwd: dir, encoding: 'utf8' });
  const pkgs = new Set<string>();
  for (const url of readFileSync(log, 'utf8').split('\n')) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (m) pkgs.add(m[1]!);
  }
  return { status: r.status, packages: [...pkgs].sort() };
}

describe('command registry', () => {
  it('each entry loads the command of its name with the same summary', async () => {
    for (const entry of commands) {
      const cmd = await entry.load();
      expect([cmd.name, cmd.summary]).toEqual([entry.name, entry.summary]);
      expect(cmd.usage).toMatch(/^Usage: flyte-mc /);
    }
  });

  it('--help lists every command; help NAME and NAME --help print its usage', async () => {
    const io = memoryIo();
    expect(await main(['--help'], io)).toBe(0);
    for (const c of commands) expect(io.out.join('')).toContain(`  ${c.name}`);
    const place = await commands.find((c) => c.name === 'place')!.load();
    const help = memoryIo();
    expect(await main(['help', 'place'], help)).toBe(0);
    expect(help.out.join('')).toBe(place.usage);
    const flag = memoryIo();
    expect(await main(['iam', '--help'], flag)).toBe(0);
    expect(flag.out.join('')).toContain('Usage: flyte-mc iam');
  });

  it('--help, help iam, place, lint, render, distribution and diff load no heavy library', () => {
    const topo = path.join(dir, 'flyte-mc.yaml');
    expect(spawnSync(process.execPath, [path.join(root, 'harness/cli/main.ts'), 'init', '--out', topo]).status).toBe(0);
    const runs: string[][] = [
      ['--help'],
      ['help', 'iam'],
      ['place', '--topology', topo, '--label', 'label1', 'a'],
      ['lint', '--topology', topo],
      ['render', '--topology', topo, '--out', path.join(dir, 'out')],
      ['distribution', '--topology', topo, '--label', 'label1', '--samples', '10'],
      ['diff', '--before', topo, '--after', topo, '--samples', '10'],
    ];
    for (const args of runs) {
      const { status, packages } = packagesLoaded(args);
      expect(status, args.join(' ')).toBe(0);
      expect(packages.filter((p) => heavy.some((h) => p.startsWith(h))), args.join(' ')).toEqual([]);
    }
    // --help needs no package at all
    expect(packagesLoaded(['--help']).packages).toEqual([]);
  });
});
