// Entry point of the thin zx wrappers (scenarios/<name>.mjs): `flyte-mc run <name>` with the script's flags.
import { main } from '../../harness/cli/main.ts';

/** Runs one scenario with the flags that follow the script path on the command line; sets the exit code. */
export async function runFromZx(scenario: string, scriptUrl: string): Promise<number> {
  const script = new URL(scriptUrl).pathname.split('/').pop() ?? '';
  const at = process.argv.findIndex((a) => a.endsWith(script));
  const flags = at >= 0 ? process.argv.slice(at + 1) : [];
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const code = await main(['run', scenario, ...flags], {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    signal: controller.signal,
  });
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  process.exitCode = code;
  return code;
}
