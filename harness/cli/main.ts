#!/usr/bin/env node
// flyte-mc: render, lint, place and simulate Flyte multi-cluster deployments.
import { EXIT_INTERRUPTED, EXIT_PIPE_CLOSED, InputError, Interrupted, OutputClosed, UsageError } from '../errors.ts';
import type { Command, Io } from './command.ts';
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
  let code: number;
  let returned = false;
  try {
    code = await cmd.run(rest, io);
    returned = true;
  } catch (err) {
    code = io.signal.aborted ? EXIT_INTERRUPTED : report(cmd, err, io);
  }
  if (returned && cmd.stopsOnInterrupt && !(io.signal.reason instanceof OutputClosed)) return code;
  // An interrupt wins over whatever the command made of it (an ECONNREFUSED from an emulator that cleanup stopped,
  // a scenario failed at its next step): the run was cut short, say so, and exit 130.
  if (io.signal.aborted) {
    if (io.signal.reason instanceof OutputClosed) return EXIT_PIPE_CLOSED;
    io.stderr(`flyte-mc ${cmd.name}: interrupted; cleaned up\n`);
    return EXIT_INTERRUPTED;
  }
  return code;
}

function report(cmd: Command, err: unknown, io: Io): number {
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

/**
 * The process streams, made safe for `| head -1`: a closed pipe (EPIPE) on stdout or stderr aborts the run quietly
 * (cleanup still runs) and later writes to that stream are dropped.
 */
function processIo(controller: AbortController): Io {
  const closed = new Set<NodeJS.WriteStream>();
  const guard = (name: string, stream: NodeJS.WriteStream) => {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      closed.add(stream);
      if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') return;
      if (!controller.signal.aborted) controller.abort(new OutputClosed(name));
    });
    return (text: string): boolean => {
      if (closed.has(stream) || stream.destroyed) return true;
      return stream.write(text);
    };
  };
  // Backpressure for streaming commands; a closed pipe or an interrupt ends the wait too.
  const drain = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const out = process.stdout;
      if (closed.has(out) || out.destroyed || controller.signal.aborted) return resolve();
      const done = () => {
        out.off('drain', done).off('close', done).off('error', done);
        controller.signal.removeEventListener('abort', done);
        resolve();
      };
      out.once('drain', done).once('close', done).once('error', done);
      controller.signal.addEventListener('abort', done, { once: true });
    });
  return { stdout: guard('stdout', process.stdout), stderr: guard('stderr', process.stderr), drain, signal: controller.signal };
}

if (import.meta.main) {
  const controller = new AbortController();
  const io = processIo(controller);
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    // Second signal: exit now. The 'exit' hooks still remove secret dirs and kill child process groups.
    if (interrupts > 1) process.exit(EXIT_INTERRUPTED);
    if (controller.signal.aborted) return;
    io.stderr(`\nflyte-mc: ${sig} received, stopping at the next step and cleaning up (press Ctrl-C again to force)\n`);
    controller.abort(new Interrupted(sig));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.exitCode = await main(process.argv.slice(2), io);
}
