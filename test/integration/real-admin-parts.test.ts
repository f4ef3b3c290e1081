// The real-FlyteAdmin tier's parts that run without FlyteAdmin itself: the config FlyteAdmin is given (clusters
// section byte-identical to render), the mount namespace that shows the credential files at /var/run/credentials,
// PostgreSQL, the gRPC AdminService client (against an in-process server speaking the same wire format), and the
// side-by-side comparison.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CleanupStack } from '../../harness/lifecycle.ts';
import { render } from '../../harness/render/index.ts';
import { parseTopology } from '../../harness/topology/index.ts';
import { AdminClient, AdminRpcError, SERVICE, reportedCluster } from '../../harness/tiers/real-admin/client.ts';
import { adminConfigFiles, clustersYamlFromValuesOverride } from '../../harness/tiers/real-admin/config.ts';
import { PlacementModel, compareExecution, sideBySide, summarize, assertAgreement } from '../../harness/tiers/real-admin/compare.ts';
import { admin as adminPb, core } from '../../harness/flyte/idl.ts';
import { mountNamespaceUnavailableReason, withCredentialsMount } from '../../harness/tiers/real-admin/mountns.ts';
import { postgresUnavailableReason, startPostgres } from '../../harness/tiers/real-admin/postgres.ts';
import { minimalEntities } from '../../harness/tiers/real-admin/workflow.ts';
import { skipTier } from '../support/prereq.ts';

const TOPOLOGY = `apiVersion: flyte-mc/v1alpha1
controlPlane:
  ingressEndpoint: flyte.example.com:443
  datacatalogEndpoint: datacatalog.example.com:89
dataPlanes:
  - name: dataplane_1
  - name: dataplane_2
  - name: dataplane_3
    enabled: false
labels:
  label1:
    - cluster: dataplane_1
      weight: 0.75
    - cluster: dataplane_2
      weight: 0.25
  label2:
    - cluster: dataplane_2
      weight: 1
defaultExecutionLabel: label1
executionClusterLabels:
  - project: flytesnacks
    domain: development
    value: label2
projects:
  - name: flytesnacks
aws:
  accountId: "123456789012"
  region: us-east-2
  bucket: my-flyte-bucket
`;

const t = parseTopology(TOPOLOGY);
const endpoints = { dataplane_1: 'https://127.0.0.1:6443', dataplane_2: 'https://127.0.0.1:6444', dataplane_3: 'https://127.0.0.1:6445' };

function override(): string {
  return render(t, { endpoints }).find((f) => f.path === 'controlplane/values-override.yaml')!.content;
}

describe('real-admin config', () => {
  it('cuts the clusters section out of values-override.yaml byte for byte', () => {
    const values = override();
    const clusters = clustersYamlFromValuesOverride(values);
    const [head, ...rest] = clusters.replace(/\n$/, '').split('\n');
    expect(head).toBe('clusters:');
    const reindented = `configmap:\n  clusters:\n${rest.map((l) => (l === '' ? '' : `  ${l}`)).join('\n')}\n`;
    expect(values.endsWith(reindented) || values.includes(reindented)).toBe(true);
    expect(parse(clusters).clusters).toEqual(parse(values).configmap.clusters);
    expect(clusters).toContain('tokenPath: /var/run/credentials/dataplane_1_token');
  });

  it('gives FlyteAdmin loopback PostgreSQL, local storage, auth off and the model the same clusters config', () => {
    const files = adminConfigFiles(t, {
      valuesOverride: override(),
      db: { host: '127.0.0.1', port: 5999, user: 'flyteadmin', database: 'flyteadmin' },
      ports: { http: 1, grpc: 2, profiler: 3 },
      storageDir: '/tmp/s',
      templatesDir: '/tmp/t',
    });
    const cfg = parse(files.find((f) => f.name === 'admin.yaml')!.content);
    expect(cfg.server.security).toMatchObject({ secure: false, useAuth: false });
    expect(cfg.database.postgres).toMatchObject({ host: '127.0.0.1', port: 5999 });
    expect(cfg.storage).toMatchObject({ type: 'stow', stow: { kind: 'local', config: { path: '/tmp/s' } } });
    expect(cfg.domains.map((d: { id: string }) => d.id)).toEqual(['development', 'staging', 'production']);
    const model = new PlacementModel(files.find((f) => f.name === 'clusters.yaml')!.content);
    expect([...model.selector.enabledIds]).toEqual(['dataplane_1', 'dataplane_2']);
    expect(model.selector.defaultExecutionLabel).toBe('label1');
  });
});

describe.skipIf(skipTier('real-admin mount namespace', mountNamespaceUnavailableReason()))('real-admin mount namespace', () => {
  it('shows the credential files at /var/run/credentials inside, nothing outside', async () => {
    const root = await mkdtemp(join(tmpdir(), 'flyte-mc-ns-'));
    try {
      await mkdir(join(root, 'var', 'run', 'credentials'), { recursive: true });
      await writeFile(join(root, 'var', 'run', 'credentials', 'dataplane_1_token'), 'not-a-real-token', { mode: 0o600 });
      const { cmd, args } = withCredentialsMount(root, 'cat', ['/var/run/credentials/dataplane_1_token']);
      expect(execFileSync(cmd, args, { encoding: 'utf8' })).toBe('not-a-real-token');
      expect(existsSync('/var/run/credentials/dataplane_1_token')).toBe(false);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe.skipIf(skipTier('real-admin postgres', postgresUnavailableReason()))('real-admin postgres', () => {
  it('starts a throwaway PostgreSQL on loopback and removes it on cleanup', async () => {
    const cleanup = new CleanupStack();
    try {
      const pg = await startPostgres({ cleanup });
      expect(pg.query('SELECT current_database()')).toBe('flyteadmin');
      expect(pg.query("SELECT setting FROM pg_settings WHERE name = 'listen_addresses'", 'postgres')).toBe('127.0.0.1');
      const root = pg.root;
      const reports = await cleanup.run();
      expect(reports.filter((r) => r.error)).toEqual([]);
      expect(existsSync(root)).toBe(false);
    } finally {
      await cleanup.run();
    }
  });
});

describe('real-admin gRPC client', () => {
  let server: grpc.Server;
  let client: AdminClient;
  const seen: { method: string; body: unknown }[] = [];

  beforeAll(async () => {
    server = new grpc.Server();
    const raw = (path: string) => ({
      path,
      requestStream: false,
      responseStream: false,
      requestSerialize: (b: Buffer) => b,
      requestDeserialize: (b: Buffer) => b,
      responseSerialize: (b: Buffer) => b,
      responseDeserialize: (b: Buffer) => b,
    });
    const def = {
      CreateExecution: raw(`/${SERVICE}/CreateExecution`),
      GetExecution: raw(`/${SERVICE}/GetExecution`),
      UpdateWorkflowAttributes: raw(`/${SERVICE}/UpdateWorkflowAttributes`),
      TerminateExecution: raw(`/${SERVICE}/TerminateExecution`),
    } as unknown as grpc.ServiceDefinition;
    server.addService(def, {
      CreateExecution: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        const req = adminPb.ExecutionCreateRequest.decode(call.request);
        seen.push({ method: 'CreateExecution', body: req });
        const id = { project: req.project, domain: req.domain, name: req.name };
        cb(null, Buffer.from(adminPb.ExecutionCreateResponse.encode({ id }).finish()));
      },
      GetExecution: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        const req = adminPb.WorkflowExecutionGetRequest.decode(call.request);
        const e = adminPb.Execution.encode({ id: req.id, spec: { metadata: { systemMetadata: { executionCluster: 'dataplane_2', namespace: 'p-d' } } }, closure: { phase: core.WorkflowExecution.Phase.RUNNING } });
        cb(null, Buffer.from(e.finish()));
      },
      UpdateWorkflowAttributes: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        seen.push({ method: 'UpdateWorkflowAttributes', body: adminPb.WorkflowAttributesUpdateRequest.decode(call.request) });
        cb(null, Buffer.from(adminPb.WorkflowAttributesUpdateResponse.encode({}).finish()));
      },
      TerminateExecution: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        cb({ code: grpc.status.INTERNAL, details: 'invalid cluster target dataplane_1' });
      },
    });
    const port = await new Promise<number>((res, rej) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? rej(err) : res(p))),
    );
    client = new AdminClient(`127.0.0.1:${port}`, { timeoutMs: 5000 });
  });

  afterAll(() => {
    client?.close();
    server?.forceShutdown();
  });

  it('encodes CreateExecution with an explicit execution cluster label and a launch plan id', async () => {
    const e = minimalEntities('p', 'd', 'wf-a');
    const res = await client.createExecution({ project: 'p', domain: 'd', name: 'g-1', launchPlan: e.launchPlanId, label: 'label2' });
    expect(res.id?.name).toBe('g-1');
    const req = seen.find((s) => s.method === 'CreateExecution')!.body as InstanceType<typeof adminPb.ExecutionCreateRequest>;
    expect(req.spec?.executionClusterLabel?.value).toBe('label2');
    expect(req.spec?.launchPlan?.resourceType).toBe(core.ResourceType.LAUNCH_PLAN);
    expect(req.spec?.launchPlan?.name).toBe('wf-a');
  });

  it('writes workflow-level EXECUTION_CLUSTER_LABEL attributes', async () => {
    await client.setWorkflowLabel('p', 'd', 'wf-b', 'label1');
    const req = seen.find((s) => s.method === 'UpdateWorkflowAttributes')!.body as InstanceType<typeof adminPb.WorkflowAttributesUpdateRequest>;
    expect(req.attributes).toMatchObject({ project: 'p', domain: 'd', workflow: 'wf-b' });
    expect(req.attributes?.matchingAttributes?.executionClusterLabel?.value).toBe('label1');
  });

  it('reads the reported cluster and surfaces gRPC errors with their code', async () => {
    expect(reportedCluster(await client.getExecution({ project: 'p', domain: 'd', name: 'g-1' }))).toBe('dataplane_2');
    const err = await client.terminateExecution({ project: 'p', domain: 'd', name: 'g-1' }, 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdminRpcError);
    expect((err as AdminRpcError).code).toBe(grpc.status.INTERNAL);
    expect((err as AdminRpcError).details).toBe('invalid cluster target dataplane_1');
  });
});

describe('real-admin comparison', () => {
  const clusters = clustersYamlFromValuesOverride(override());

  it('agrees when the object and the reported cluster are where the model says', () => {
    const model = new PlacementModel(clusters).withRows([{ project: 'p', domain: 'd', value: 'label2' }]);
    const predicted = model.predict({ name: 'g-1', project: 'p', domain: 'd', workflow: 'wf-a' });
    expect(predicted.ok && predicted.explanation.cluster).toBe('dataplane_2');
    const c = compareExecution(predicted, { via: 'create', project: 'p', domain: 'd', workflow: 'wf-a', name: 'g-1', reported: 'dataplane_2', phase: 'UNDEFINED', foundIn: ['dataplane_2'] });
    expect(c.differences).toEqual([]);
    expect(() => assertAgreement(summarize([c]))).not.toThrow();
  });

  it('fails with both explanations side by side on a disagreement', () => {
    const model = new PlacementModel(clusters);
    const predicted = model.predict({ name: 'g-2', project: 'p', domain: 'd', workflow: 'wf-a', label: 'label2' });
    const c = compareExecution(predicted, { via: 'create', project: 'p', domain: 'd', workflow: 'wf-a', name: 'g-2', label: 'label2', reported: 'dataplane_1', phase: 'UNDEFINED', foundIn: ['dataplane_1'] });
    expect(c.differences.length).toBeGreaterThan(0);
    const text = sideBySide(c);
    expect(text).toContain('model (harness/placement)');
    expect(text).toContain('| real FlyteAdmin');
    expect(text).toMatch(/rule: request-label/);
    expect(() => assertAgreement(summarize([c]))).toThrow(/1 of 1 executions placed differently/);
  });

  it('expects FAILED with no cluster for a plane the harness made unreachable', () => {
    const model = new PlacementModel(clusters);
    const predicted = model.predict({ name: 'g-3', project: 'p', domain: 'd', workflow: 'wf-a', label: 'label2' });
    const obs = { via: 'create' as const, project: 'p', domain: 'd', workflow: 'wf-a', name: 'g-3', label: 'label2', reported: '', phase: 'FAILED', foundIn: [] };
    expect(compareExecution(predicted, obs, new Set(['dataplane_2'])).differences).toEqual([]);
    expect(compareExecution(predicted, obs).differences.length).toBeGreaterThan(0);
  });
});
