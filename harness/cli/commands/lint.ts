import { readdir, stat } from 'node:fs/promises';
import { readInputFile } from '../../fsutil.ts';
import { join } from 'node:path';
import { InputError, UsageError } from '../../errors.ts';
import { countBySeverity, formatJson, formatText, lintArtifacts, lintTopology, rules, SEVERITY_POLICY, type ArtifactFile, type Finding, type Severity } from '../../lint/index.ts';
import { detectContentKind, parseArtifactDocs } from '../../lint/input.ts';
import { parseTopology } from '../../topology/index.ts';
import { parseFlags, type Command } from '../command.ts';

/** How to follow a rule's references (printed above `--rules`). */
const RULES_PREAMBLE = `References: paths are in https://github.com/flyteorg/flyte at tag v1.16.8 (file:lines); docs/ paths ending in .md are this repository's.
`;

const USAGE = `Usage: flyte-mc lint --topology FILE [--format text|json] [--fail-on error|warning|info]
       flyte-mc lint --values FILE [--values FILE...] [--secret FILE...] [--ecl FILE...]
                     [--trust-policy FILE...] [--dataplane-values [NAME=]FILE...] [--manifests FILE|DIR...]
                     [FILE...] [--format text|json] [--fail-on error|warning|info]
       flyte-mc lint --rules

Checks multi-cluster artifacts against what FlyteAdmin, the flyte-core chart, flytectl and IAM really do.
  --topology FILE          render flyte-mc.yaml and lint the result
  --values FILE            control-plane values (values-override.yaml; repeat in helm order)
  --secret FILE            the cluster-credentials Secret (multi-document YAML is fine)
  --ecl FILE               an execution-cluster-label attribute file (repeatable)
  --trust-policy FILE      an IAM trust policy (repeatable; role taken from the name: *dataplane*/*controlplane*)
  --dataplane-values [NAME=]FILE  a data plane's values file; NAME is its clusterConfigs name
  --manifests FILE|DIR     rendered objects of one release (helm template output, kubectl get -o yaml); a DIR
                           holds one file per release (*.yaml); the chart rules run on what the chart produced
  FILE                     any of the above (a topology and manifests too), kind detected from the content
  --format text|json       output (default text); json prints [{code, severity, message, file, path, line, hint}]
  --fail-on LEVEL          lowest severity that makes the exit status 1 (default error)
  --rules                  list the rules and the severity policy, and exit
Exit status: 1 when a finding at or above --fail-on is found, 0 otherwise, 2 for unreadable, malformed or
unrecognised input.
`;

const LEVELS: readonly Severity[] = ['info', 'warning', 'error'];
const KIND_FLAGS = '--topology/--values/--secret/--ecl/--trust-policy/--dataplane-values/--manifests';

async function readArtifact(path: string, kind?: ArtifactFile['kind'], cluster?: string): Promise<ArtifactFile> {
  const content = await readInputFile(path);
  const f: ArtifactFile = { path, content };
  if (kind) f.kind = kind;
  if (cluster) f.cluster = cluster;
  return f;
}

/** A manifests file, or the *.yaml / *.yml files of a directory (one release each), sorted. */
async function manifestFiles(path: string): Promise<string[]> {
  const st = await stat(path).catch(() => undefined);
  if (!st) throw new InputError('file not found', { file: path });
  if (!st.isDirectory()) return [path];
  const names = (await readdir(path)).filter((n) => /\.ya?ml$/.test(n)).sort();
  if (names.length === 0) throw new InputError('directory holds no .yaml files', { file: path });
  return names.map((n) => join(path, n));
}

/** Findings of a positional file, whose kind comes from its content; unknown content is bad input (exit 2). */
function lintPositional(f: ArtifactFile): { topology?: Finding[]; artifact?: ArtifactFile } {
  if (f.content.includes('\u0000')) throw new InputError(`cannot tell what ${f.path} is; use ${KIND_FLAGS} (it holds binary content)`, { file: f.path });
  const kind = detectContentKind(f.path, parseArtifactDocs(f.path, f.content));
  if (kind === 'topology') return { topology: lintTopology(parseTopology(f.content, f.path)) };
  if (kind === 'other') throw new InputError(`cannot tell what ${f.path} is; use ${KIND_FLAGS}`, { file: f.path });
  return { artifact: { ...f, kind } };
}

export const lintCommand: Command = {
  name: 'lint',
  summary: 'check values, Secret, ECL files and trust policies for the multi-cluster footguns',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseFlags(
      args,
      {
        topology: { type: 'string' },
        values: { type: 'string', multiple: true },
        secret: { type: 'string', multiple: true },
        ecl: { type: 'string', multiple: true },
        'trust-policy': { type: 'string', multiple: true },
        'dataplane-values': { type: 'string', multiple: true },
        manifests: { type: 'string', multiple: true },
        format: { type: 'string', default: 'text' },
        'fail-on': { type: 'string', default: 'error' },
        rules: { type: 'boolean', default: false },
      },
      true,
    );
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got "${format}"`);
    const failOn = (values['fail-on'] ?? 'error') as Severity;
    if (!LEVELS.includes(failOn)) throw new UsageError(`--fail-on must be error, warning or info, got "${values['fail-on']}"`);
    if (values.rules) {
      const width = Math.max(...rules.map((r) => r.severity.length));
      const lower = (r: (typeof rules)[number]) => (r.lower ? `    ${r.lower.severity} when ${r.lower.when}\n` : '');
      io.stdout(`${RULES_PREAMBLE}${SEVERITY_POLICY}\n${rules.map((r) => `${r.code} ${r.severity.padEnd(width)} ${r.summary}\n${lower(r)}    hint: ${r.hint}\n    see: ${r.ref.join(', ')}\n`).join('')}`);
      return 0;
    }
    const flagged = [values.values, values.secret, values.ecl, values['trust-policy'], values['dataplane-values'], values.manifests].some((v) => v && v.length > 0);
    let findings: Finding[];
    let fileCount: number;
    if (values.topology !== undefined) {
      if (flagged || positionals.length > 0) throw new UsageError('--topology cannot be combined with artifact files');
      findings = lintTopology(parseTopology((await readArtifact(values.topology)).content, values.topology));
      fileCount = new Set(findings.map((f) => f.file)).size;
    } else {
      if (!flagged && positionals.length === 0) throw new UsageError('give --topology FILE, or artifact files such as --values values-override.yaml');
      const files: ArtifactFile[] = [];
      for (const p of values.values ?? []) files.push(await readArtifact(p, 'values'));
      for (const p of values.secret ?? []) files.push(await readArtifact(p, 'secret'));
      for (const p of values.ecl ?? []) files.push(await readArtifact(p, 'ecl'));
      for (const p of values['trust-policy'] ?? []) files.push(await readArtifact(p, 'trust-policy'));
      for (const spec of values['dataplane-values'] ?? []) {
        const m = /^([^=/]+)=(.+)$/.exec(spec);
        files.push(await readArtifact(m ? (m[2] as string) : spec, 'dataplane-values', m?.[1]));
      }
      for (const p of values.manifests ?? []) for (const f of await manifestFiles(p)) files.push(await readArtifact(f, 'manifests'));
      const topologies: Finding[][] = [];
      for (const p of positionals) {
        const r = lintPositional(await readArtifact(p));
        if (r.topology) topologies.push(r.topology);
        if (r.artifact) files.push(r.artifact);
      }
      if (topologies.length > 0 && (files.length > 0 || topologies.length > 1)) throw new UsageError('a topology is linted on its own (its rendered artifacts are the files); give it alone');
      if (topologies[0]) {
        findings = topologies[0];
        fileCount = new Set(findings.map((f) => f.file)).size;
      } else {
        findings = lintArtifacts(files);
        fileCount = files.length;
      }
    }
    io.stdout(format === 'json' ? formatJson(findings) : formatText(findings, fileCount));
    const n = countBySeverity(findings);
    const failing = LEVELS.slice(LEVELS.indexOf(failOn)).reduce((k, s) => k + n[s], 0);
    return failing > 0 ? 1 : 0;
  },
};
