// The IAM/STS emulators `flyte-mc iam --endpoint moto|localstack` starts for one run. "localstack" is one name with
// an automatic choice: the LocalStack container where Docker has the image locally (nothing is pulled), otherwise
// LocalStack's own runtime as a host process from the venv scripts/setup.d/35-localstack.sh builds.
import type { CleanupStack } from '../lifecycle.ts';
import { startMoto } from '../../mocks/moto.ts';
import { localstackImage, localstackUnavailableReason, startLocalStack } from '../../mocks/localstack.ts';
import { localstackProcessMissing, startLocalStackProcess } from '../../mocks/localstack-process.ts';

export type LocalStackChoice = { kind: 'container'; image: string } | { kind: 'process'; why: string } | { kind: 'none'; why: string };

/** Pure: the container when its image is there, else the host process, else why neither can run. */
export function chooseLocalStack(image: string, containerMissing: string | undefined, processMissing: string | undefined): LocalStackChoice {
  if (!containerMissing) return { kind: 'container', image };
  const short = /Docker/i.test(containerMissing) && !containerMissing.includes(image) ? 'no Docker engine' : `no image ${image} present locally`;
  if (!processMissing) return { kind: 'process', why: short };
  return { kind: 'none', why: `no LocalStack can run here. Container: ${containerMissing}. Host process: ${processMissing}` };
}

export interface StartedEmulator {
  endpoint: string;
  /** One line for the user: which emulator, where, how fast. */
  describe: string;
}

export interface StartEmulatorOptions {
  accountId?: string;
  signal: AbortSignal;
  cleanup: Pick<CleanupStack, 'defer'>;
}

export async function startEmulator(name: 'moto' | 'localstack', o: StartEmulatorOptions): Promise<StartedEmulator> {
  const t0 = performance.now();
  const ms = () => Math.round(performance.now() - t0);
  const account = o.accountId ? { accountId: o.accountId } : {};
  if (name === 'moto') {
    const moto = await startMoto({ ...account, signal: o.signal, cleanup: o.cleanup });
    return { endpoint: moto.endpoint, describe: `started moto at ${moto.endpoint} in ${moto.startupMs} ms (in memory: its state is discarded when this command ends)` };
  }
  const image = localstackImage();
  const choice = chooseLocalStack(image, await localstackUnavailableReason(image), localstackProcessMissing());
  if (choice.kind === 'none') throw new Error(choice.why);
  if (choice.kind === 'container') {
    const ls = await startLocalStack({ image, signal: o.signal, cleanup: o.cleanup });
    return { endpoint: ls.endpoint, describe: `started LocalStack (container ${image}) at ${ls.endpoint} in ${ms()} ms (removed when this command ends)` };
  }
  const ls = await startLocalStackProcess({ ...account, signal: o.signal, cleanup: o.cleanup });
  return {
    endpoint: ls.endpoint,
    describe: `started LocalStack (host process, as there is ${choice.why}) at ${ls.endpoint} in ${ls.startupMs} ms (its state is discarded when this command ends)`,
  };
}
