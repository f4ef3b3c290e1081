// `flyte-mc iam --endpoint localstack`. The shared IAM suite (test/support/iam-suite.ts) runs against LocalStack's
// runtime as a host process (the venv of scripts/setup.d/35-localstack.sh); it skips with the reason when that venv
// is missing. The container path (@testcontainers/localstack) runs where a LocalStack image is present locally; here
// (no registry) it skips with the reason, and the reason itself is checked. The CLI's choice between the two is pure
// and tested below.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo } from '../../harness/cli/command.ts';
import { main } from '../../harness/cli/main.ts';
import { dockerUnavailableReason, listLabelled } from '../../harness/backends/docker.ts';
import { localstackImage, localstackUnavailableReason, startLocalStack } from '../../mocks/localstack.ts';
import { starterTopologyYaml } from '../../harness/topology/index.ts';
import { skipTier } from '../support/prereq.ts';
import { iamEmulatorSuite } from '../support/iam-suite.ts';
import { localstack } from '../support/iam-emulators.ts';
import { chooseLocalStack } from '../../harness/iam/emulator.ts';
import { repoRoot } from '../../mocks/moto.ts';

iamEmulatorSuite(localstack, skipTier('LocalStack', localstack.missing()));

describe('the LocalStack setup step without a Python >= 3.13', () => {
  it('fails with one line naming what it looked for', async () => {
    const home = await mkdtemp(join(tmpdir(), 'flyte-mc-nopython-'));
    try {
      // A PATH with only the tools the script needs before it looks for Python: no python3.13/3.14 on it.
      await mkdir(join(home, 'bin'));
      const which = (tool: string) => execFileSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
      for (const tool of ['dirname', 'readlink']) await symlink(which(tool), join(home, 'bin', tool));
      const r = spawnSync(which('bash'), [join(repoRoot, 'scripts', 'setup.d', '35-localstack.sh')], {
        env: { HOME: home, PATH: join(home, 'bin'), FLYTE_MC_CACHE: join(home, 'cache'), FLYTE_MC_LOCALSTACK_PYTHON: '/bin/false' },
        encoding: 'utf8',
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        `35-localstack: no Python >= 3.13 found (LocalStack 2026.3.0 needs it): tried $FLYTE_MC_LOCALSTACK_PYTHON, python3.14 and python3.13 on PATH, ${home}/.pyenv/versions/3.1[34].*; install one (e.g. pyenv install 3.13) or set FLYTE_MC_LOCALSTACK_PYTHON\n`,
      );
      expect(existsSync(join(home, 'cache'))).toBe(false);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe('--endpoint localstack chooses one LocalStack', () => {
  const image = 'localstack/localstack:3.8';
  it('the container when its image is present, else the host process, else both reasons', () => {
    expect(chooseLocalStack(image, undefined, undefined)).toEqual({ kind: 'container', image });
    expect(chooseLocalStack(image, undefined, 'no venv')).toEqual({ kind: 'container', image });
    expect(chooseLocalStack(image, `LocalStack image ${image} is not present locally (nothing is pulled): …`, undefined)).toEqual({ kind: 'process', why: `no image ${image} present locally` });
    expect(chooseLocalStack(image, 'no Docker engine answers (connect ENOENT /var/run/docker.sock); start dockerd', undefined)).toEqual({ kind: 'process', why: 'no Docker engine' });
    const none = chooseLocalStack(image, 'no Docker engine answers (x)', 'no LocalStack venv in /c (no "current" pointer)');
    expect(none.kind).toBe('none');
    expect(none.kind === 'none' && none.why).toBe('no LocalStack can run here. Container: no Docker engine answers (x). Host process: no LocalStack venv in /c (no "current" pointer)');
  });
});

const docker = await dockerUnavailableReason();
const reason = await localstackUnavailableReason();

describe.skipIf(docker !== undefined)('LocalStack availability', () => {
  it('names the missing image and the way to provide it instead of pulling', async () => {
    const missing = await localstackUnavailableReason('flyte-mc/no-such-localstack:0');
    expect(missing).toContain('flyte-mc/no-such-localstack:0 is not present locally');
    expect(missing).toContain('FLYTE_MC_LOCALSTACK_IMAGE');
  });
});

describe.skipIf(skipTier(`LocalStack (${localstackImage()})`, reason))('iam apply against LocalStack', () => {
  it('is idempotent, survives a day-2 addition and leaves no container', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flyte-mc-localstack-'));
    const ls = await startLocalStack();
    try {
      const apply = async (n: number) => {
        const topo = join(dir, `t${n}.yaml`);
        await writeFile(topo, starterTopologyYaml({ dataPlanes: n }).replace('123456789012', '000000000000'));
        const io = memoryIo();
        const code = await main(['iam', 'apply', '--topology', topo, '--endpoint', ls.endpoint], io);
        return { code, out: io.out.join('') + io.err.join('') };
      };
      expect((await apply(1)).code).toBe(0);
      const again = await apply(1);
      expect(again.code).toBe(0);
      expect(again.out).toContain('No changes');
      const day2 = await apply(2);
      expect(day2.code).toBe(0);
      expect(day2.out).toContain('dataplane_2');
      expect((await apply(2)).out).toContain('No changes');
    } finally {
      await ls.stop();
      await rm(dir, { recursive: true, force: true });
    }
    const left = await listLabelled();
    expect(left.containers.filter((c) => c.name.includes('localstack'))).toEqual([]);
  }, 300_000);
});
