// What k3s-in-Docker needs from the host, checked before any container starts so failures read as causes, not as
// a k3s log line timing out: the image present locally (nothing is pulled), privileged containers (rootless engines
// and some VMs refuse them), a cgroup hierarchy to bind-mount, and enough inotify instances (k3s fails with "too many
// open files" at the default 128 once a few clusters run).
import { readFile, access } from 'node:fs/promises';
import { imageExists } from '../docker.ts';

export const DEFAULT_K3S_IMAGE = 'rancher/k3s:v1.31.5-k3s1';
export const MIN_INOTIFY_INSTANCES = 512;

/** The k3s image: explicit option, $FLYTE_MC_K3S_IMAGE, or the default tag. */
export function k3sImage(explicit?: string): string {
  return explicit || process.env.FLYTE_MC_K3S_IMAGE || DEFAULT_K3S_IMAGE;
}

export interface EngineFacts {
  rootless: boolean;
  cgroupVersion: string;
}

/** Problems that stop k3s from running here, each with what to do; empty when none. */
export async function k3sHostProblems(image: string, engine: EngineFacts, readSysctl = readInotifyInstances): Promise<string[]> {
  const problems: string[] = [];
  if (!(await imageExists(image))) {
    problems.push(`k3s image ${image} is not present locally (nothing is pulled): docker pull ${image} where a registry is reachable, or docker load -i <tarball>; another tag via --k3s-image or FLYTE_MC_K3S_IMAGE`);
  }
  if (engine.rootless) problems.push('the Docker engine is rootless: k3s needs privileged containers (use a rootful engine)');
  try {
    await access('/sys/fs/cgroup');
  } catch {
    problems.push('/sys/fs/cgroup is missing: k3s bind-mounts the host cgroup hierarchy');
  }
  const inotify = await readSysctl();
  if (inotify !== undefined && inotify < MIN_INOTIFY_INSTANCES) {
    problems.push(`fs.inotify.max_user_instances is ${inotify}; k3s clusters fail with "too many open files" below ~${MIN_INOTIFY_INSTANCES}: sysctl -w fs.inotify.max_user_instances=${MIN_INOTIFY_INSTANCES} (scripts/setup.d/50-docker.sh does, as root)`);
  }
  return problems;
}

async function readInotifyInstances(): Promise<number | undefined> {
  try {
    return Number((await readFile('/proc/sys/fs/inotify/max_user_instances', 'utf8')).trim());
  } catch {
    return undefined;
  }
}
