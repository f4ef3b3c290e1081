#!/usr/bin/env node
// flyte-mc: render, lint, place and simulate Flyte multi-cluster deployments.
import { once } from 'node:events';
import { InputError, UsageError } from '../errors.ts';
import type { Io } from './command.ts';
import { commands } from './commands/index.ts';

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: flyte-mc COMMAND [FLAGS]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "flyte-mc help COMMAND" for a command\'s flags.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    const entry = topic ? commands.find((c) => c.name === topic) : undefined;
    if (topic && !entry) {
      io.stderr(`flyte-mc: unknown command "${topic}"\n\n${usage()}`);
      return 2;
    }
    io.stdout(entry ? (await entry.load()).usage : usage());
    return name === undefined ? 2 : 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.stderr(`flyte-mc: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const cmd = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(cmd.usage);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`flyte-mc ${cmd.name}: ${err.message}\n\n${cmd.usage}`);
      return 2;
    }
    if (err instanceof InputError) {
      io.stderr(`flyte-mc ${cmd.name}: ${err.format()}\n`);
      return 2;
    }
    const detail = process.env.FLYTE_MC_DEBUG ? `\n${(err as Error).stack ?? ''}` : '';
    io.stderr(`flyte-mc ${cmd.name}: ${(err as Error).message ?? String(err)}${detail}\n`);
    return 1;
  }
}

if (import.meta.main) {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write(`\nflyte-mc: ${sig} received, cleaning up (press Ctrl-C again to force)\n`);
    controller.abort(new Error(`interrupted by ${sig}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const io: Io = {
    stdout: (t) => process.stdout.write(t),
    drain: () => once(process.stdout, 'drain').then(() => undefined),
    stderr: (t) => process.stderr.write(t),
    signal: controller.signal,
  };
  const code = await main(process.argv.slice(2), io);
  process.exitCode = controller.signal.aborted && code === 0 ? 130 : code;
}
