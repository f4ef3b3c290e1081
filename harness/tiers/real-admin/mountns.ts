// The chart mounts the cluster-credentials Secret at /var/run/credentials, and the rendered clusters section points
// tokenPath/certPath there. To keep that section byte-identical while the files live under a temp root, FlyteAdmin
// runs in a private mount namespace in which <root>/var/run is bind-mounted over /var/run (util-linux `unshare`;
// as non-root with a user namespace mapping the caller to root). Nothing changes outside that namespace: the
// host's /var/run is untouched and the bind disappears with the process.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const SCRIPT = 'set -e; t="$(readlink -f /var/run)"; mount --bind "$0" "$t"; exec "$@"';

/** The command line that runs `cmd args` with `<root>/var/run` seen as /var/run. */
export function withCredentialsMount(root: string, cmd: string, args: readonly string[]): { cmd: string; args: string[] } {
  const ns = ['--mount', '--propagation', 'private'];
  if (process.getuid?.() !== 0) ns.unshift('--user', '--map-root-user');
  return { cmd: 'unshare', args: [...ns, '--', '/bin/sh', '-c', SCRIPT, join(root, 'var', 'run'), cmd, ...args] };
}

/** Why a private mount namespace cannot be made here, or undefined. */
export function mountNamespaceUnavailableReason(): string | undefined {
  const { cmd, args } = withCredentialsMount('/', 'true', []);
  try {
    execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
    return undefined;
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    return `cannot make a private mount namespace with unshare (${stderr || (err as Error).message})`;
  }
}
