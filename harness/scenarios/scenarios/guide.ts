// The whole multicluster guide, steps named as in the guide, on any backend.
import { parseEclFile } from '../../admin/attributes.ts';
import type { Scenario } from '../context.ts';
import { applyEclFiles, deployGuide, renderFiles, workloadPhase } from '../steps.ts';

export const guide: Scenario = {
  name: 'guide',
  summary: 'the multicluster guide end to end: data planes, token, cluster-credentials, values-override, ECLs, workflows',
  expectations: [
    'every rendered artifact the guide asks for exists (IAM documents, values files, token Secrets, cluster-credentials, ECL files)',
    'FlyteAdmin starts with the rendered values-override.yaml and cluster resource sync creates every project-domain namespace in every data plane',
    'team1/development runs on label1 (dataplane_1), team1/production on label2, the workflow-level ECL wins for its workflow',
    'unlabelled domains spread over all enabled data planes; observed shares match the weights (G-test, α = 1e-6)',
    'no execution fails or is lost; every execution can be terminated',
  ],
  dataPlanes: 2,
  async run(ctx) {
    await ctx.step('Prerequisites: IAM policy, control plane role, data plane role (rendered)', () => {
      const files = renderFiles(ctx);
      for (const p of ['iam/permissions-policy.json', 'iam/controlplane-trust-policy.json', 'iam/dataplane-trust-policy.json']) {
        ctx.expect(files.has(p), `render should produce ${p}`);
      }
    });
    await deployGuide(ctx, '', { ecl: false });
    await ctx.step('Configure Execution Cluster Labels: flytectl update execution-cluster-label --attrFile ecl.yaml (project-domain rows)', async () => {
      const n = await applyEclFiles(ctx, (f) => !f.workflow);
      ctx.expect(n > 0, 'the topology should have project-domain execution cluster labels');
    });
    const half = Math.ceil(ctx.opts.executions / 2);
    const r1 = await ctx.step(`Execute a workflow indicating project and domain (${half} executions)`, () => workloadPhase(ctx, 'project-domain labels', half));
    await ctx.step('Update execution cluster label of the workflow (workflow-ecl.yaml)', () => applyEclFiles(ctx, (f) => !!f.workflow));
    await ctx.step('Configure Execution Cluster Labels: check flytectl get execution-cluster-label', () => {
      const a = ctx.world.admin.attributes;
      for (const [path, text] of renderFiles(ctx)) {
        if (!path.startsWith('ecl/')) continue;
        const f = parseEclFile(text);
        const row = a.get(f.project ?? '', f.domain ?? '', f.workflow ?? '');
        ctx.expect(row.value === f.value, `flytectl get for ${path} should return ${f.value}, got ${row.value}`);
      }
    });
    const n2 = ctx.opts.executions - half;
    const r2 = await ctx.step(`Execute a workflow indicating project and domain, workflow label in place (${n2} executions)`, () => workloadPhase(ctx, 'workflow label too', n2));
    const r = { from: r1.from, to: r2.to, failed: r1.failed + r2.failed };
    await ctx.step('Check placement: labelled project-domains on their label, the workflow ECL for its workflow', () => {
      const admin = ctx.world.admin;
      ctx.expect(r.failed === 0, `${r.failed} executions failed to be created`);
      const dev = admin.explain({ project: 'team1', domain: 'development', workflow: 'example.training_workflow', name: 'acheck0000000000000' });
      ctx.expect(dev.rule === 'execution-cluster-label' && dev.label?.level === 'workflow', `the workflow-level ECL should decide example.training_workflow, got ${dev.rule}/${dev.label?.level}`);
      const expectations: [string, string][] = [
        ['development', 'dataplane_1'],
        ['production', 'dataplane_2'],
      ];
      for (const [domain, cluster] of expectations) {
        if (!ctx.world.dataPlanes.has(cluster)) continue;
        let wrong = 0;
        for (let i = r.from; i < r.to; i++) {
          const row = admin.executions.at(i);
          if (row.domain === domain && row.label === '' && row.cluster !== cluster) wrong++;
        }
        ctx.expect(wrong === 0, `${wrong} team1/${domain} executions without a request label landed outside ${cluster}`);
      }
    });
  },
};
