// LocalStack as the IAM/STS emulator, through @testcontainers/localstack, where Docker and a LocalStack image are
// present locally (nothing is pulled). LocalStack images published since 2026-03-23 refuse to start without
// LOCALSTACK_AUTH_TOKEN; the default tag is an older community image. Like moto, LocalStack stores trust policies but
// does not evaluate their conditions for AssumeRoleWithWebIdentity: harness/iam/evaluate.ts judges them.
import { LocalstackContainer, type StartedLocalStackContainer } from '@testcontainers/localstack';
import { dockerUnavailableReason, imageExists, newRunId, prepareTestcontainers, runLabels } from '../harness/backends/docker.ts';
import type { CleanupStack } from '../harness/lifecycle.ts';

export const DEFAULT_LOCALSTACK_IMAGE = 'localstack/localstack:3.8';

/** The image: explicit, $FLYTE_MC_LOCALSTACK_IMAGE (also read by docker-compose.yml), or the default tag. */
export function localstackImage(explicit?: string): string {
  return explicit || process.env.FLYTE_MC_LOCALSTACK_IMAGE || DEFAULT_LOCALSTACK_IMAGE;
}

/** Why LocalStack cannot be started here, or undefined. */
export async function localstackUnavailableReason(image = localstackImage()): Promise<string | undefined> {
  const docker = await dockerUnavailableReason();
  if (docker) return docker;
  if (!(await imageExists(image))) {
    return `LocalStack image ${image} is not present locally (nothing is pulled): docker pull or docker load it where a registry is reachable, or set FLYTE_MC_LOCALSTACK_IMAGE (images since 2026-03 also need LOCALSTACK_AUTH_TOKEN)`;
  }
  return undefined;
}

/** Binds the mapped port to loopback only: the emulator is for this machine. */
class LoopbackLocalstackContainer extends LocalstackContainer {
  protected override async beforeContainerCreated(): Promise<void> {
    await super.beforeContainerCreated();
    for (const bindings of Object.values(this.hostConfig.PortBindings ?? {}) as { HostIp?: string }[][]) {
      for (const b of bindings) b.HostIp = '127.0.0.1';
    }
  }
}

export interface LocalStackServer {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  stop(): Promise<void>;
}

export interface StartLocalStackOptions {
  image?: string;
  /** The run's cleanup stack; stop() is registered on it. */
  cleanup?: Pick<CleanupStack, 'defer'>;
  /** Aborting (Ctrl-C) stops the container. */
  signal?: AbortSignal;
}

export async function startLocalStack(opts: StartLocalStackOptions = {}): Promise<LocalStackServer> {
  const image = localstackImage(opts.image);
  const reason = await localstackUnavailableReason(image);
  if (reason) throw new Error(reason);
  await prepareTestcontainers();
  const token = process.env.LOCALSTACK_AUTH_TOKEN;
  const started: StartedLocalStackContainer = await new LoopbackLocalstackContainer(image)
    .withEnvironment({ SERVICES: 'iam,sts', ...(token ? { LOCALSTACK_AUTH_TOKEN: token } : {}) })
    .withLabels(runLabels(newRunId()))
    .start();
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= started.stop({ remove: true, removeVolumes: true }).then(() => undefined));
  opts.cleanup?.defer(`stop LocalStack ${started.getId().slice(0, 12)}`, stop);
  opts.signal?.addEventListener('abort', () => void stop(), { once: true });
  return { endpoint: `http://127.0.0.1:${started.getPort()}`, stop };
}
