// The backend registry: `createBackend(name, opts)`. Providers register here explicitly, in the order
// `flyte-mc run --backend` lists them.
import { UsageError } from '../errors.ts';
import { createSimBackend, type SimBackendOptions } from './sim/index.ts';
import type { Backend, BackendOptions } from './types.ts';

export type BackendFactoryOptions = BackendOptions & SimBackendOptions & Record<string, unknown>;

export interface BackendProvider {
  name: string;
  summary: string;
  create(opts: BackendFactoryOptions): Backend | Promise<Backend>;
}

const providers: BackendProvider[] = [
  { name: 'sim', summary: 'in-memory API servers (instant, no prerequisites)', create: (o) => createSimBackend(o) },
  {
    name: 'process',
    summary: 'real etcd + kube-apiserver + kube-controller-manager processes on 127.0.0.1 (kube-lite)',
    // Loaded on demand so the sim path never imports it.
    create: async (o) => (await import('./process/index.ts')).createProcessBackend(o),
  },
  {
    name: 'container',
    summary: 'kube-lite clusters in Docker containers via testcontainers (local image, no pull)',
    create: async (o) => (await import('./container/index.ts')).createContainerBackend(o),
  },
  {
    name: 'k3s',
    summary: 'k3s clusters in Docker via @testcontainers/k3s (the k3s image must be present locally)',
    create: async (o) => (await import('./k3s/index.ts')).createK3sBackend(o),
  },
  {
    name: 'kubeconfig',
    summary: 'existing clusters from a kubeconfig; deletes only what it created',
    create: async (o) => (await import('./kubeconfig/index.ts')).createKubeconfigBackend(o),
  },
];

/** Adds a provider (process, container, kubeconfig register themselves here). A second registration replaces the first. */
export function registerBackend(p: BackendProvider): void {
  const i = providers.findIndex((q) => q.name === p.name);
  if (i >= 0) providers[i] = p;
  else providers.push(p);
}

export function backendNames(): string[] {
  return providers.map((p) => p.name);
}

export function listBackends(): readonly BackendProvider[] {
  return providers;
}

/** Creates the named backend; an unknown name is a usage error listing the known ones. */
export async function createBackend(name: string, opts: BackendFactoryOptions = {}): Promise<Backend> {
  const p = providers.find((q) => q.name === name);
  if (!p) throw new UsageError(`unknown backend "${name}" (known: ${backendNames().join(', ')})`);
  return p.create(opts);
}
