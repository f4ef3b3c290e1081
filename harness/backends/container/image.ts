// The kube-lite image, made without pulling anything: a root filesystem of the static busybox (Debian
// busybox-static, for the supervisor shell) and the kube-lite binary, streamed as a tarball into the engine's
// image import. scripts/setup.d/50-docker.sh builds the same image at setup; this builds it on demand when the
// binary was rebuilt since (the tag is the binary's cache hash).
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile, chmod, access, constants } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';

export const BUSYBOX = '/bin/busybox';
const APPLETS = ['sh', 'sleep', 'kill', 'cat', 'ls', 'mkdir', 'rm', 'echo', 'test', 'ps', 'wget', 'nc'];

export async function busyboxMissing(): Promise<string | undefined> {
  try {
    await access(BUSYBOX, constants.X_OK);
    return undefined;
  } catch {
    return `${BUSYBOX} is missing (apt-get install busybox-static; scripts/setup.d/50-docker.sh does)`;
  }
}

/** Imports `binary` as `image` (repo:tag), labelled with `hash`. Resolves when the engine has it. */
export async function buildKubeLiteImage(docker: Dockerode, binary: string, image: string, hash: string): Promise<void> {
  const why = await busyboxMissing();
  if (why) throw new Error(why);
  const root = await mkdtemp(join(tmpdir(), 'flyte-mc-image-'));
  try {
    await Promise.all(['bin', 'tmp', 'etc', 'var/lib/kube-lite'].map((d) => mkdir(join(root, d), { recursive: true })));
    await chmod(join(root, 'tmp'), 0o1777);
    await copyFile(BUSYBOX, join(root, 'bin', 'busybox'));
    await Promise.all(APPLETS.map((a) => symlink('busybox', join(root, 'bin', a))));
    await writeFile(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/:/bin/sh\n');
    await copyFile(binary, join(root, 'kube-lite'));
    await chmod(join(root, 'kube-lite'), 0o755);
    const [repo, tag] = splitImage(image);
    const tar = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let tarErr = '';
    tar.stderr.on('data', (c: Buffer) => (tarErr += c.toString()));
    const changes = ['ENV PATH=/bin', 'CMD ["/bin/sh"]', 'LABEL org.flyte-mc.image=true', `LABEL org.flyte-mc.kube-lite=${hash}`];
    const stream = await docker.importImage(tar.stdout, { repo, tag, changes } as unknown as object);
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve()));
    });
    const code = await new Promise<number | null>((r) => (tar.exitCode !== null ? r(tar.exitCode) : tar.once('exit', r)));
    if (code !== 0) throw new Error(`tar failed: ${tarErr.trim()}`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function splitImage(image: string): [string, string] {
  const i = image.lastIndexOf(':');
  return i > image.lastIndexOf('/') ? [image.slice(0, i), image.slice(i + 1)] : [image, 'latest'];
}
