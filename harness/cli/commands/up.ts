import { createInterface } from 'node:readline';
import { backendNames } from '../../backends/index.ts';
import { UsageError } from '../../errors.ts';
import { checkOutputTarget } from '../../fsutil.ts';
import type { UpSession as Session } from '../../scenarios/up.ts';
import { releasesFromFlags } from '../chart-option.ts';
import { intFlag, parseFlags, type Command, type Io } from '../command.ts';

const UP_BACKENDS = ['sim', 'process'];

export const upCommand: Command = {
  name: 'up',
  summary: 'start a control plane and N data planes and serve FlyteAdmin\'s API to real clients (flytekit) until Ctrl-C',
  stopsOnInterrupt: true,
  usage: `Usage: flyte-mc up [--backend sim|process] [--dataplanes N | --topology FILE] [--port P]
                   [--chart REF | --chart-model] [--seed S] [--report DIR [--force]] [--json] [--quiet]

Deploys the multicluster guide (as \`flyte-mc run guide\` does) and leaves it running: FlyteAdmin's model serves
AdminService on 127.0.0.1 (insecure gRPC), registration compiled by flytepropeller's own compiler. On the process
backend real flytepropeller v1.16.8 runs every execution on the data plane placement chose. Prints the endpoint,
a flytekit config file, the data planes' kubeconfigs and the topology in effect, all in a 0700 directory removed
when the session ends. Ctrl-C (or "quit") stops everything and cleans up.

Commands on stdin while it runs:
  add-cluster   the guide's day 2: a new data plane with its own label, team1/production moved to it
  status        executions per cluster and phase
  quit          stop and clean up

  --backend NAME   sim (default; no propeller: executions stay RUNNING) | process (real API servers + propeller)
  --dataplanes N   data planes at the start, 1..20 (default 2; ignored with --topology)
  --topology FILE  a flyte-mc.yaml to deploy instead of the starter topology
  --port P         admin endpoint port (default: a free one)
  --chart REF      the flyte-core chart (as for \`flyte-mc run\`); --chart-model: the built-in chart model
  --seed S         seed of generated execution names and simulated credentials (default 1)
  --report DIR     when the session ends, write DIR/report.json and DIR/report.html: where the clients' executions
                   landed against the configured weights, per day-2 phase, with charts (--force: replace files
                   flyte-mc did not write)
  --json           print the endpoint and files as one JSON line when ready
  --quiet          no progress lines
`,
  async run(args, io) {
    const { values } = parseFlags(args, {
      backend: { type: 'string', default: 'sim' },
      dataplanes: { type: 'string' },
      topology: { type: 'string' },
      port: { type: 'string' },
      chart: { type: 'string' },
      'chart-model': { type: 'boolean', default: false },
      seed: { type: 'string' },
      report: { type: 'string' },
      force: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    });
    const backend = values.backend ?? 'sim';
    if (!UP_BACKENDS.includes(backend)) {
      throw new UsageError(`up runs on ${UP_BACKENDS.join(' or ')}, not "${backend}"${backendNames().includes(backend) ? '' : ` (known backends: ${backendNames().join(', ')})`}`);
    }
    if (values.topology !== undefined && values.dataplanes !== undefined) throw new UsageError('--topology and --dataplanes exclude each other');
    const dataPlanes = intFlag(values.dataplanes, 'dataplanes', 2, 1, 20);
    const port = intFlag(values.port, 'port', 0, 0, 65535);
    const seed = intFlag(values.seed, 'seed', 1, 0, 2 ** 32 - 1);
    const log = values.quiet ? () => {} : (line: string) => io.stderr(`${line}\n`);
    // Checked before anything starts: a report that cannot be written is bad input, not a lost session.
    const report = values.report !== undefined ? await import('../../report/index.ts') : undefined;
    if (report && values.report !== undefined) await checkOutputTarget({ flag: '--report', path: values.report, kind: 'dir', willWrite: report.REPORT_FILES }, { force: values.force ?? false });
    const { loadTopology } = await import('../../topology/index.ts');
    const topology = values.topology !== undefined ? await loadTopology(values.topology) : undefined;
    const releases = await releasesFromFlags({ chart: values.chart, chartModel: values['chart-model'] }, (l) => io.stderr(`${l}\n`), log);
    const { UpSession } = await import('../../scenarios/up.ts');
    const session = await UpSession.start({ backend, dataPlanes, seed, log, signal: io.signal, releases, port, ...(topology ? { topology } : {}) });
    try {
      printReady(session, io, values.json ?? false, backend);
      await serve(session, io);
      const { summaryTable } = await import('../../scenarios/index.ts');
      const result = session.result();
      if (!values.json) io.stdout(`\n${summaryTable([result])}`);
      if (report && values.report !== undefined) {
        const files = await report.writeReport(values.report, [result], { command: `flyte-mc up ${args.join(' ')}`.trim(), force: values.force ?? false });
        io.stderr(`wrote ${files.join(', ')}\n`);
      }
    } finally {
      io.stderr('flyte-mc up: stopping and cleaning up\n');
      await session.close();
    }
    return 0;
  },
};

function printReady(s: Session, io: Io, json: boolean, backend: string): void {
  const planes = [...s.ctx.world.dataPlanes.keys()];
  if (json) {
    io.stdout(`${JSON.stringify({ endpoint: s.endpoint, backend, dataPlanes: planes, propeller: s.fleet !== undefined, registration: s.registrationUnavailable ?? 'ok', readyMs: Math.round(s.readyMs), files: s.files })}\n`);
    return;
  }
  const lines = [
    `flyte-mc up: ready in ${(s.readyMs / 1000).toFixed(1)} s on ${backend}: control plane + ${planes.length} data planes (${planes.join(', ')})${s.fleet ? ', real flytepropeller on each' : ', no propeller (executions stay RUNNING)'}`,
    `  admin endpoint   ${s.endpoint} (insecure gRPC)`,
    `  flytekit config  ${s.files.flytekitConfig}`,
    `  topology         ${s.files.topology}`,
    ...Object.entries(s.files.kubeconfigs).map(([n, f]) => `  kubeconfig       ${n}: ${f}`),
    s.registrationUnavailable
      ? `  registration     unavailable until propeller's compiler is built (${s.registrationUnavailable}; 4-16 min once, or \`npm test\`); attributes, projects and reads work`
      : `  try              pyflyte --config ${s.files.flytekitConfig} run --remote -p team1 -d development wf.py my_wf`,
    'Type add-cluster, status or quit (Ctrl-C stops too).',
  ];
  io.stdout(`${lines.join('\n')}\n`);
}

/** Answers stdin commands until quit, Ctrl-C or EPIPE. End of stdin is not a quit (`flyte-mc up < /dev/null &`). */
async function serve(s: Session, io: Io): Promise<void> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  let queue = Promise.resolve();
  try {
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) return resolve();
      io.signal.addEventListener('abort', () => resolve(), { once: true });
      rl.on('line', (raw) => {
        const line = raw.trim();
        if (!line) return;
        queue = queue.then(async () => {
          if (line === 'quit' || line === 'exit') return resolve();
          if (line === 'status') return void io.stdout(`${status(s)}\n`);
          if (line === 'add-cluster') {
            try {
              const { name, label } = await s.addCluster();
              const kc = s.files.kubeconfigs[name];
              io.stdout(`day 2: added ${name} with label ${label}; team1/production now goes there (topology: ${s.files.topology}${kc ? `, kubeconfig: ${kc}` : ''})\n`);
            } catch (err) {
              io.stdout(`day 2 failed: ${(err as Error).message}\n`);
            }
            return;
          }
          io.stdout(`unknown command "${line}" (add-cluster, status, quit)\n`);
        });
      });
    });
    await queue;
  } finally {
    rl.close();
  }
}

function status(s: Session): string {
  const ex = s.ctx.world.admin.executions;
  const counts = new Map<string, number>();
  for (let i = 0; i < ex.size; i++) {
    const k = `${ex.clusterAt(i) || '(none)'} ${ex.phaseAt(i)}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const rows = [...counts].sort().map(([k, n]) => `  ${k}: ${n}`);
  return [`${ex.size} executions`, ...rows].join('\n');
}
