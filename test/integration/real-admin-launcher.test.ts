// The launcher's orchestration with a stand-in for the flyteadmin binary (written by this test; it is not a model of
// FlyteAdmin): migrate → seed-projects → clusterresource sync → serve, inside the mount namespace, with the
// credential files read at the paths of the rendered clusters section; readiness over gRPC; a restart whose sync
// fails when a data-plane endpoint does not answer; everything gone after cleanup.
// The stand-in checks what the real binary's startup depends on: every clusterConfigs token/cert file readable
// (serve and sync), every enabled endpoint reachable (sync only), PostgreSQL reachable (migrate).
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CleanupStack } from '../../harness/lifecycle.ts';
import { render } from '../../harness/render/index.ts';
import { parseTopology } from '../../harness/topology/index.ts';
import { clustersYamlFromValuesOverride } from '../../harness/tiers/real-admin/config.ts';
import { AdminStartError, RealAdmin } from '../../harness/tiers/real-admin/launcher.ts';
import { mountNamespaceUnavailableReason } from '../../harness/tiers/real-admin/mountns.ts';
import { postgresUnavailableReason } from '../../harness/tiers/real-admin/postgres.ts';
import { skipTier } from '../support/prereq.ts';

const require = createRequire(import.meta.url);
const GRPC = require.resolve('@grpc/grpc-js');
const YAML = require.resolve('yaml');

const STAND_IN = `
import { readFileSync, readdirSync, appendFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { connect } from 'node:net';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const grpc = require(${JSON.stringify(GRPC)});
const YAML = require(${JSON.stringify(YAML)});
const argv = process.argv.slice(2);
if (argv[0] !== '--config') { console.error('usage: --config <dir>/*.yaml <cmd>'); process.exit(2); }
const dir = dirname(argv[1]);
const cfg = {};
for (const f of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) Object.assign(cfg, YAML.parse(readFileSync(join(dir, f), 'utf8')));
const cmd = argv.slice(2).join(' ');
appendFileSync(join(dir, '..', 'calls.log'), cmd + '\\n');
const reach = (host, port) => new Promise((res) => { const s = connect({ host, port }, () => { s.end(); res(true); }); s.on('error', () => res(false)); });
function readCreds() {
  for (const c of cfg.clusters.clusterConfigs) {
    if (c.inCluster) continue;
    for (const p of [c.auth.tokenPath, c.auth.certPath]) {
      try { readFileSync(p); } catch (e) { console.error('panic: Failed to get auth token: ' + e.message); process.exit(1); }
    }
  }
}
if (cmd === 'migrate run') {
  if (!(await reach(cfg.database.postgres.host, cfg.database.postgres.port))) { console.error('db unreachable'); process.exit(1); }
} else if (cmd.startsWith('migrate seed-projects')) {
} else if (cmd === 'clusterresource sync') {
  readCreds();
  for (const c of cfg.clusters.clusterConfigs.filter((c) => c.enabled && !c.inCluster)) {
    const u = new URL(c.endpoint);
    if (!(await reach(u.hostname, Number(u.port)))) { console.error('sync: ' + c.name + ': dial tcp ' + u.host + ': connection refused'); process.exit(1); }
  }
} else if (cmd === 'serve') {
  readCreds();
  const server = new grpc.Server();
  const raw = { path: '/flyteidl.service.AdminService/ListProjects', requestStream: false, responseStream: false,
    requestSerialize: (b) => b, requestDeserialize: (b) => b, responseSerialize: (b) => b, responseDeserialize: (b) => b };
  server.addService({ ListProjects: raw }, { ListProjects: (_c, cb) => cb(null, Buffer.alloc(0)) });
  server.bindAsync('0.0.0.0:' + cfg.server.grpc.port, grpc.ServerCredentials.createInsecure(), (err) => { if (err) { console.error(err.message); process.exit(1); } });
  process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
} else { console.error('unknown command ' + cmd); process.exit(2); }
`;

const TOPOLOGY = parseTopology(`apiVersion: flyte-mc/v1alpha1
controlPlane:
  ingressEndpoint: flyte.example.com:443
  datacatalogEndpoint: datacatalog.example.com:89
dataPlanes:
  - name: dataplane_1
  - name: dataplane_2
labels:
  label1:
    - {cluster: dataplane_1, weight: 1}
projects:
  - name: flytesnacks
aws:
  accountId: "123456789012"
  region: us-east-2
  bucket: my-flyte-bucket
`);

const reason = postgresUnavailableReason() ?? mountNamespaceUnavailableReason();

describe.skipIf(skipTier('real-admin launcher', reason))('real-admin launcher (stand-in binary)', () => {
  let dir: string;
  const servers = new Map<string, Server>();
  const endpoints: Record<string, string> = {};

  const listen = (name: string, port = 0) =>
    new Promise<number>((res) => {
      const s = createServer((c) => c.end());
      s.listen(port, '127.0.0.1', () => {
        servers.set(name, s);
        res((s.address() as { port: number }).port);
      });
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flyte-mc-standin-'));
    await writeFile(join(dir, 'stand-in.mjs'), STAND_IN);
    await writeFile(join(dir, 'flyteadmin'), `#!/bin/sh\nexec "${process.execPath}" "${join(dir, 'stand-in.mjs')}" "$@"\n`);
    await chmod(join(dir, 'flyteadmin'), 0o755);
    await mkdir(join(dir, 'creds'), { mode: 0o700 });
    for (const n of ['dataplane_1', 'dataplane_2']) {
      await writeFile(join(dir, 'creds', `${n}_token`), 'not-a-real-token', { mode: 0o600 });
      await writeFile(join(dir, 'creds', `${n}_cacert`), 'not-a-real-ca', { mode: 0o600 });
      endpoints[n] = `https://127.0.0.1:${await listen(n)}`;
    }
  });

  afterAll(async () => {
    for (const s of servers.values()) s.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('starts, answers on gRPC, fails a restart while a data plane is unreachable, and cleans up', async () => {
    const cleanup = new CleanupStack();
    const lines: string[] = [];
    let admin: RealAdmin | undefined;
    try {
      admin = await RealAdmin.start({
        topology: TOPOLOGY,
        endpoints,
        credentialsDir: join(dir, 'creds'),
        cleanup,
        binary: join(dir, 'flyteadmin'),
        log: (l) => lines.push(l),
        readyTimeoutMs: 30_000,
      });
      await admin.client.listProjects();
      console.log(`[real-admin launcher] stand-in start: ${JSON.stringify(admin.timings)} ms`);
      const rendered = render(TOPOLOGY, { endpoints }).find((f) => f.path === 'controlplane/values-override.yaml')!.content;
      expect(admin.clustersYaml()).toBe(clustersYamlFromValuesOverride(rendered));
      expect(admin.clustersYaml()).toContain('tokenPath: /var/run/credentials/dataplane_1_token');
      expect(lines.some((l) => l.includes('clusterresource sync: ok'))).toBe(true);

      // An unreachable data plane: the sync init container fails, FlyteAdmin stays down.
      const port = Number(new URL(endpoints.dataplane_2!).port);
      await new Promise<void>((r) => servers.get('dataplane_2')!.close(() => r()));
      const err = await admin.restart().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AdminStartError);
      expect((err as AdminStartError).step).toBe('clusterresource sync');
      expect((err as AdminStartError).message).toMatch(/dataplane_2: dial tcp .*connection refused/);
      await expect(admin.client.listProjects()).rejects.toThrow();

      // Back: the restart goes through.
      await listen('dataplane_2', port);
      await admin.restart();
      await admin.client.listProjects();
    } finally {
      const runDir = admin?.runDir;
      const pgRoot = admin?.postgres.root;
      const failed = (await cleanup.run()).filter((r) => r.error);
      expect(failed).toEqual([]);
      if (runDir) expect(existsSync(runDir)).toBe(false);
      if (pgRoot) expect(existsSync(pgRoot)).toBe(false);
    }
  });
});
