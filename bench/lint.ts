// Lint of large topologies: time and heap per size, doubling the size each step, so the ratio column shows how it
// scales (≈2× per doubling is linear; it was ≈4× while trust-policy statements were judged for every provider and
// YAML keys were compared pairwise). FLYTE_MC_BENCH_LINT_MB sets the largest size (default 2). Asserts nothing.
import { performance } from 'node:perf_hooks';
import { lintTopology } from '../harness/lint/index.ts';
import { parseTopology } from '../harness/topology/index.ts';
import type { BenchContext } from './table.ts';

/** A topology of about `dataPlanes` clusters, 10 per label, `rows` ECL rows and `projects` projects. */
export function largeTopologyYaml(dataPlanes: number, rows: number, projects: number): string {
  const out: string[] = [
    'apiVersion: flyte-mc/v1alpha1\nname: flyte\ncontrolPlane:\n  name: controlplane\n  runsWorkflows: false\n  ingressEndpoint: flyte.example.com:443\n  datacatalogEndpoint: datacatalog.flyte.internal:89\n  cloud: eks\ndataPlanes:\n',
  ];
  for (let i = 0; i < dataPlanes; i++) out.push(`  - name: dataplane_${i}\n    endpoint: https://dp${i}.example.com\n    enabled: true\n`);
  const labels = Math.max(1, Math.floor(dataPlanes / 10));
  out.push('labels:\n');
  for (let l = 0; l < labels; l++) {
    out.push(`  label${l}:\n`);
    for (let i = l * 10; i < Math.min(dataPlanes, l * 10 + 10); i++) out.push(`    - cluster: dataplane_${i}\n      weight: 1\n`);
  }
  out.push('defaultExecutionLabel: label0\nexecutionClusterLabels:\n');
  for (let i = 0; i < rows; i++) out.push(`  - {project: p${i % projects}, domain: development, workflow: wf.w${i}, value: label${i % labels}}\n`);
  out.push('projects:\n');
  for (let p = 0; p < projects; p++) out.push(`  - {name: p${p}, domains: [development, staging, production]}\n`);
  out.push('aws:\n  accountId: "123456789012"\n  region: us-east-2\n  bucket: my-flyte-bucket\n  oidcProviders: {}\n  trustPolicyStyle: stringLike\n');
  return out.join('');
}

export async function run(ctx?: BenchContext): Promise<void> {
  const maxMb = Number(process.env.FLYTE_MC_BENCH_LINT_MB ?? 2);
  let prev: number | undefined;
  for (let k = 1; ; k *= 2) {
    const text = largeTopologyYaml(100 * k, 2500 * k, 50 * k);
    const mb = text.length / 2 ** 20;
    if (mb > maxMb && k > 1) break;
    global.gc?.();
    const t0 = performance.now();
    const findings = lintTopology(parseTopology(text, 'large.yaml'));
    const s = (performance.now() - t0) / 1000;
    const heap = process.memoryUsage().heapUsed / 2 ** 20;
    ctx?.row({ what: `lint --topology, ${mb.toFixed(1)} MB topology`, figure: `${s.toFixed(2)} s, heap ${heap.toFixed(0)} MiB`, anchor: prev ? `half the size: ${prev.toFixed(2)} s` : 'smallest size', ...(prev ? { ratio: s / prev } : {}) });
    console.log(`lint --topology ${mb.toFixed(1)} MB (${100 * k} data planes, ${2500 * k} ECL rows, ${50 * k} projects): ${s.toFixed(2)} s, heap ${heap.toFixed(0)} MiB, ${findings.length} findings${prev ? `, ${(s / prev).toFixed(1)}× the half size` : ''}`);
    prev = s;
  }
}
