// `flyte-mc up` as a process: whatever ends it (Ctrl-C, "quit", a closed stdout, SIGTERM while it is still
// starting), everything it started goes: its child processes (propeller's compiler) and every temp dir it made
// (the session files with kubeconfigs, the blob store, the World's credentials). TMPDIR is the test's own, so
// "nothing left" is checkable.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminClient } from '../../harness/tiers/real-admin/client.ts';
import { registerWorkflow } from '../support/admin-client.ts';
import { RunningUp } from '../support/flytekit.ts';
import { skipTier } from '../support/prereq.ts';
import { findFlytePropeller } from '../../harness/propeller/binary.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const noCompiler = skipTier('flytepropeller admin-compiler', (await findFlytePropeller()) ? undefined : 'flytepropeller is not built (scripts/setup.d/55-flytepropeller.sh)');
let tmp = '';

afterEach(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function privateTmp(): Promise<NodeJS.ProcessEnv> {
  tmp = await mkdtemp(join(tmpdir(), 'flyte-mc-up-test-'));
  return { ...process.env, TMPDIR: tmp };
}

/** Every live descendant of a process (from /proc). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const ppid = Number(/^\d+ \(.*\) \S (\d+)/s.exec(readFileSync(`/proc/${e}/stat`, 'utf8'))?.[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(e)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));

describe('flyte-mc up cleans up', () => {
  it('on Ctrl-C: exit 0, no child process, no temp dir', async () => {
    const up = await RunningUp.start(['--chart-model', '--quiet'], 120_000, await privateTmp());
    const kids = descendants(up.child.pid as number);
    expect(kids.length).toBeGreaterThan(0);
    expect(existsSync(up.info.files.flytekitConfig)).toBe(true);
    expect(readdirSync(tmp).length).toBeGreaterThan(0);
    expect(await up.stop('SIGINT')).toBe(0);
    expect(kids.filter(alive)).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
  }, 180_000);

  it('on "quit" and on a closed stdout (EPIPE) alike', async () => {
    const up = await RunningUp.start(['--chart-model', '--quiet'], 120_000, await privateTmp());
    const status = await up.command('status', /executions/, 30_000);
    expect(status).toMatch(/^\d+ executions$/);
    const exited = new Promise<number | null>((r) => up.child.once('exit', (c) => r(c)));
    up.child.stdin.write('quit\n');
    expect(await exited).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);

    const env = await privateTmp();
    const piped = await RunningUp.start(['--chart-model', '--quiet'], 120_000, env);
    const gone = new Promise<number | null>((r) => piped.child.once('exit', (c) => r(c)));
    piped.child.stdout.destroy();
    piped.child.stdin.write('status\n');
    // 141: stdout was a closed pipe (README: exit codes), after the same cleanup.
    expect(await gone).toBe(141);
    expect(readdirSync(tmp)).toEqual([]);
  }, 240_000);

  it.skipIf(noCompiler)('--report: on Ctrl-C it writes where the clients\' executions landed, with the shares against the weights', async () => {
    const env = await privateTmp();
    const report = join(tmp, 'report');
    const up = await RunningUp.start(['--chart-model', '--quiet', '--report', report], 120_000, env);
    const client = new AdminClient(up.info.endpoint, { timeoutMs: 10_000 });
    try {
      const lp = await registerWorkflow(client, 'team1', 'staging', 'wf');
      for (let i = 0; i < 60; i++) await client.service.createExecution({ project: 'team1', domain: 'staging', spec: { launchPlan: lp } });
    } finally {
      client.close();
    }
    expect(await up.stop('SIGINT')).toBe(0);
    const json = JSON.parse(readFileSync(join(report, 'report.json'), 'utf8')) as { scenarios: { scenario: string; passed: boolean; executions: { total: number } }[] };
    expect(json.scenarios[0]).toMatchObject({ scenario: 'up', passed: true, executions: { total: 60 } });
    expect(readFileSync(join(report, 'report.html'), 'utf8')).toContain('<svg');
    expect(readdirSync(tmp)).toEqual(['report']);
  }, 180_000);

  it('on SIGTERM while it is still starting', async () => {
    const env = await privateTmp();
    const child = spawn(join(ROOT, 'flyte-mc'), ['up', '--chart-model'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    // Stop it in the middle of the guide's steps (after its first cluster exists).
    await new Promise<void>((resolve) => {
      const onData = () => {
        if (/helm install flyte-core-data/.test(err)) {
          child.stderr.off('data', onData);
          resolve();
        }
      };
      child.stderr.on('data', onData);
    });
    const code = await new Promise<number | null>((r) => {
      child.once('exit', (c) => r(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(130);
    expect(err).toMatch(/interrupted; cleaned up/);
    expect(readdirSync(tmp)).toEqual([]);
  }, 180_000);
});
