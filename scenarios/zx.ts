// Entry point of the zx wrapper (scenarios/run-scenario.mjs, linked as scenarios/<name>.mjs): `flyte-mc run <name>`
// with the script's flags.
import { main } from '../harness/cli/main.ts';

/** Runs one scenario with the given flags; sets the exit code. */
export async function runFromZx(scenario: string, flags: readonly string[]): Promise<number> {
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
