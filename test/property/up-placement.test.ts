// Over generated topologies (labels of any case, case collisions, tiny weights, disabled clusters), attribute rows set
// through AdminService at project, project-domain and workflow level, and request labels in any case or unknown:
// every execution FlyteAdmin's model reports (GetExecution's system_metadata.execution_cluster) is where
// `flyte-mc place` predicts from the session's topology file plus those rows. The two paths share no code above
// the selector: one is the chart model's rendered values decoded as FlyteAdmin decodes them and the model's
// attribute table, the other `place`'s decode(render(topology)) and the topology's rows.
import fc from 'fast-check';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../harness/cli/command.ts';
import { main } from '../../harness/cli/main.ts';
import { modelReleases } from '../../harness/helm/releases.ts';
import { findFlytePropeller } from '../../harness/propeller/binary.ts';
import { UpSession } from '../../harness/scenarios/up.ts';
import type { Topology } from '../../harness/topology/index.ts';
import { AdminClient } from '../../harness/tiers/real-admin/client.ts';
import { topologyArb } from '../support/arbitraries.ts';
import { skipTier } from '../support/prereq.ts';
import { registerWorkflow } from '../support/admin-client.ts';
import { propertyParams } from '../support/seed.ts';

const compiler = await findFlytePropeller();
const skip = skipTier('flytepropeller admin-compiler', compiler ? undefined : 'flytepropeller is not built (scripts/setup.d/55-flytepropeller.sh)');

const WF = 'mod.wf';

interface Row {
  project: string;
  domain?: string;
  workflow?: string;
  value: string;
}

async function predict(topologyFile: string, rows: readonly Row[], domain: string, label: string, names: readonly string[]): Promise<{ code: number; out: Map<string, string>; err: string }> {
  const t = parse(await readFile(topologyFile, 'utf8')) as { executionClusterLabels: Row[] };
  const key = (r: Row) => `${r.project}/${r.domain ?? ''}/${r.workflow ?? ''}`;
  const set = new Map(rows.map((r) => [key(r), r]));
  t.executionClusterLabels = [...t.executionClusterLabels.filter((r) => !set.has(key(r))), ...set.values()].filter((r) => r.domain !== undefined);
  const dir = await mkdtemp(join(tmpdir(), 'flyte-mc-predict-'));
  try {
    await writeFile(join(dir, 't.yaml'), stringify(t));
    const io = memoryIo();
    const args = label ? ['--label', label] : ['--project', 'team1', '--domain', domain, '--workflow', WF];
    const code = await main(['place', '--topology', join(dir, 't.yaml'), ...args, ...names], io);
    return { code, err: io.err.join(''), out: new Map(io.out.join('').trim().split('\n').filter(Boolean).map((l) => l.split('\t') as [string, string])) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Values the rows and requests use: the topology's labels as written, case-flipped, and one nobody defines. */
function labelChoices(t: Topology): string[] {
  const written = Object.keys(t.labels);
  return [...written, ...written.map((l) => l.toUpperCase()), 'nosuchlabel'];
}

describe.skipIf(skip)('AdminService placement equals `flyte-mc place` (property)', () => {
  it('for generated topologies, attribute rows and request labels', async () => {
    await fc.assert(
      fc.asyncProperty(
        topologyArb({ wild: true, maxDataPlanes: 3 }).chain((t) =>
          fc.record({
            t: fc.constant(t),
            rows: fc.array(fc.record({ domain: fc.constantFrom('development', 'staging'), workflow: fc.constantFrom(undefined, WF), value: fc.constantFrom(...labelChoices(t)) }), { maxLength: 3 }),
            requests: fc.array(fc.record({ domain: fc.constantFrom('development', 'staging'), label: fc.constantFrom('', ...labelChoices(t)), name: fc.option(fc.stringMatching(/^[a-z][a-z0-9]{3,12}$/), { nil: undefined }) }), { minLength: 1, maxLength: 12 }),
          }),
        ),
        async ({ t, rows, requests }) => {
          // The generated topology's projects replaced by the one the requests use.
          const topology: Topology = { ...t, projects: [{ name: 'team1', domains: ['development', 'staging', 'production'] }], executionClusterLabels: [] };
          let session: UpSession;
          try {
            session = await UpSession.start({ backend: 'sim', dataPlanes: topology.dataPlanes.length, seed: 1, log: () => {}, releases: modelReleases(), topology });
          } catch (err) {
            // FlyteAdmin would not start; `place` must refuse the same topology.
            if (process.env.DBG) console.log((err as Error).stack);
            const dir = await mkdtemp(join(tmpdir(), 'flyte-mc-refused-'));
            await writeFile(join(dir, 't.yaml'), stringify(topology));
            const io = memoryIo();
            const code = await main(['place', '--topology', join(dir, 't.yaml'), '--label', 'x', 'abc'], io);
            await rm(dir, { recursive: true, force: true });
            expect(code, `up failed (${(err as Error).message}) but place answered ${io.out.join('')}`).toBe(2);
            return;
          }
          const client = new AdminClient(session.endpoint, { timeoutMs: 10_000 });
          try {
            const lps = { development: await registerWorkflow(client, 'team1', 'development', WF), staging: await registerWorkflow(client, 'team1', 'staging', WF) };
            const applied: Row[] = [];
            for (const r of rows) {
              const m = { executionClusterLabel: { value: r.value } };
              if (r.workflow) await client.service.updateWorkflowAttributes({ attributes: { project: 'team1', domain: r.domain, workflow: r.workflow, matchingAttributes: m } });
              else await client.service.updateProjectDomainAttributes({ attributes: { project: 'team1', domain: r.domain, matchingAttributes: m } });
              applied.push({ project: 'team1', domain: r.domain, ...(r.workflow ? { workflow: r.workflow } : {}), value: r.value });
            }
            const made: { name: string; domain: string; label: string }[] = [];
            for (const q of requests) {
              const res = await client.service.createExecution({
                project: 'team1',
                domain: q.domain,
                ...(q.name && !made.some((m) => m.name === q.name) ? { name: q.name } : {}),
                spec: { launchPlan: lps[q.domain as 'development' | 'staging'], ...(q.label ? { executionClusterLabel: { value: q.label } } : {}) },
              });
              made.push({ name: res.id?.name ?? '', domain: q.domain, label: q.label });
            }
            for (const m of made) {
              const got = await client.service.getExecution({ id: { project: 'team1', domain: m.domain, name: m.name } });
              const p = await predict(session.files.topology, applied, m.domain, m.label, [m.name]);
              expect(p.code, p.err).toBe(0);
              expect(got.spec?.metadata?.systemMetadata?.executionCluster, `${m.name} (${m.domain}, label "${m.label}"): ${got.closure?.error?.message ?? ''}`).toBe(p.out.get(m.name));
            }
          } finally {
            client.close();
            await session.close();
          }
        },
      ),
      propertyParams('up: AdminService placement equals place', 12),
    );
  }, 300_000);
});
