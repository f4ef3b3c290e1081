// The scenarios on real API servers, through the CLI exactly as a user runs them: `flyte-mc run --backend process`.
// FlyteWorkflow objects are created in real kube-apiservers with the token and CA the guide's steps produced.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../harness/cli/command.ts';
import { main } from '../../harness/cli/main.ts';
import { createProcessBackend } from '../../harness/backends/process/index.ts';
import { skipTier } from '../support/prereq.ts';

const skip = skipTier('process backend scenarios', await createProcessBackend().unavailableReason());
const dir = await mkdtemp(join(tmpdir(), 'flyte-mc-process-scenarios-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe.skipIf(skip)('flyte-mc run --backend process', () => {
  it.each([
    ['guide', 'day2-add-cluster'],
    ['token-rotation', 'drain-and-remove-cluster'],
  ])('%s and %s pass on real API servers and leave a report', async (...names) => {
    const io = memoryIo();
    const report = join(dir, names.join('+'));
    const code = await main(['run', ...names, '--backend', 'process', '--executions', '300', '--quiet', '--report', report], io);
    if (code !== 0) console.log(io.out.join(''), io.err.join(''));
    expect(code).toBe(0);
    const json = JSON.parse(await readFile(join(report, 'report.json'), 'utf8'));
    const scenarios = json.scenarios ?? json;
    expect(scenarios.map((s: { scenario: string; backend: string; passed: boolean }) => [s.scenario, s.backend, s.passed])).toEqual(names.map((n) => [n, 'process', true]));
    for (const s of scenarios) expect(s.executions.lost).toBe(0);
  }, 600_000);
});
