// docker-compose.yml: LocalStack + a k3s control plane + two k3s data planes, kubeconfigs written to one known
// folder. Its shape is checked everywhere; `docker compose up` runs only where the compose CLI and the images exist.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { skipTier } from '../support/prereq.ts';

const file = fileURLToPath(new URL('../../docker-compose.yml', import.meta.url));
type Service = { image: string; command?: string[]; ports?: string[]; volumes?: string[]; privileged?: boolean; labels?: Record<string, string> };
const compose = parse(readFileSync(file, 'utf8'), { merge: true }) as { services: Record<string, Service>; networks: Record<string, { labels?: Record<string, string> }> };

describe('docker-compose.yml', () => {
  const k3s = ['k3s-controlplane', 'k3s-dataplane-1', 'k3s-dataplane-2'];

  it('has LocalStack and three privileged k3s servers, all labelled', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['k3s-controlplane', 'k3s-dataplane-1', 'k3s-dataplane-2', 'localstack']);
    for (const [name, s] of Object.entries(compose.services)) expect(s.labels?.['org.flyte-mc.compose'], name).toBe('true');
    for (const n of k3s) expect(compose.services[n]?.privileged).toBe(true);
    expect(compose.networks['flyte-mc']?.labels?.['org.flyte-mc.compose']).toBe('true');
  });

  it('each API is valid for its service name, on its own 127.0.0.1 port, with its kubeconfig in the shared folder', () => {
    const ports = new Set<string>();
    for (const n of k3s) {
      const s = compose.services[n] as Service;
      const listen = /--https-listen-port=(\d+)/.exec((s.command ?? []).join(' '))?.[1];
      expect(s.command).toContain(`--tls-san=${n}`);
      expect(s.ports).toEqual([`127.0.0.1:${listen}:${listen}`]);
      ports.add(listen as string);
      expect((s.command ?? []).some((c) => /^--write-kubeconfig=\/output\/[a-z0-9-]+\.yaml$/.test(c))).toBe(true);
      expect(s.volumes).toEqual(['${FLYTE_MC_COMPOSE_DIR:-./.cache/compose}:/output']);
    }
    expect(ports.size).toBe(3);
  });
});

function composeMissing(): string | undefined {
  try {
    execFileSync('docker', ['compose', 'version'], { stdio: 'ignore', timeout: 10_000 });
  } catch {
    return 'the docker compose CLI plugin is not installed';
  }
  for (const image of [process.env.FLYTE_MC_K3S_IMAGE ?? 'rancher/k3s:v1.31.5-k3s1', process.env.FLYTE_MC_LOCALSTACK_IMAGE ?? 'localstack/localstack:3.8']) {
    try {
      execFileSync('docker', ['image', 'inspect', image], { stdio: 'ignore', timeout: 10_000 });
    } catch {
      return `image ${image} is not present locally (nothing is pulled)`;
    }
  }
  return undefined;
}

describe.skipIf(skipTier('docker compose up', composeMissing()))('docker compose up', () => {
  it('writes three kubeconfigs', () => {
    const dir = fileURLToPath(new URL('../../.cache/compose-test', import.meta.url));
    const env = { ...process.env, FLYTE_MC_COMPOSE_DIR: dir };
    try {
      execFileSync('docker', ['compose', '-f', file, '-p', 'flyte-mc-test', 'up', '-d', '--wait'], { env, stdio: 'inherit', timeout: 300_000 });
      for (const n of ['controlplane', 'dataplane-1', 'dataplane-2']) expect(readFileSync(`${dir}/${n}.yaml`, 'utf8')).toContain('server: https://127.0.0.1:');
    } finally {
      execFileSync('docker', ['compose', '-f', file, '-p', 'flyte-mc-test', 'down', '-v'], { env, stdio: 'inherit', timeout: 120_000 });
    }
  }, 400_000);
});
