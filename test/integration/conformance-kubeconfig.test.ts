// The shared backend conformance suite (test/support/conformance.ts) on the kubeconfig backend, over clusters it
// borrows: two process-backend clusters (kube-lite) with their admin kubeconfigs, as a user's existing clusters
// would be. Dispose must delete only what the run created and leave them running.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createBackend } from '../../harness/backends/index.ts';
import { createProcessBackend } from '../../harness/backends/process/index.ts';
import type { Backend } from '../../harness/backends/types.ts';
import { backendConformance } from '../support/conformance.ts';

const existing = createProcessBackend({ log: () => {} });
let contexts: { controlPlane?: string; dataPlanes?: string } = {};
let dir = '';
if (!(await existing.unavailableReason())) {
  dir = await mkdtemp(join(tmpdir(), 'flyte-mc-conformance-kubeconfig-'));
  const files: string[] = [];
  for (const [name, role] of [['controlplane', 'control-plane'], ['dataplane_1', 'data-plane']] as const) {
    const c = await existing.createCluster({ name, role });
    const file = join(dir, `${name}.kubeconfig`);
    await writeFile(file, c.kubeconfig?.() ?? '', { mode: 0o600 });
    files.push(file);
  }
  contexts = { controlPlane: `${files[0]}#local`, dataPlanes: `dataplane_1=${files[1]}#local` };
}
afterAll(async () => {
  await existing.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

await backendConformance('kubeconfig', async () => (await createBackend('kubeconfig', { ...contexts, log: (l: string) => console.log(`[kubeconfig] ${l}`) })) as Backend);
