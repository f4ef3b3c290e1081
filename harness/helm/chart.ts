// A chart reference as the user gives it: a local directory, a packaged .tgz, an OCI reference, or a chart in a
// repository (https URL + chart name, or an added repo's `repo/chart`). Pure: turns it into helm arguments.
import { UsageError } from '../errors.ts';

export type ChartRef =
  | { kind: 'dir'; path: string }
  | { kind: 'tgz'; path: string }
  | { kind: 'oci'; url: string; version?: string }
  | { kind: 'repo'; repoUrl: string; chart: string; version?: string }
  | { kind: 'named'; name: string; version?: string };

export interface ParseChartOptions {
  version?: string;
  /** Tells whether a path is a directory (the caller does the I/O). */
  isDirectory?: (path: string) => boolean;
}

/**
 * Forms accepted:
 *   ./charts/flyte-core, /abs/dir          local directory
 *   flyte-core-v1.16.8.tgz                 packaged chart
 *   oci://registry/charts/flyte-core[:tag] OCI reference (tag or `version` for --version)
 *   https://helm.flyte.org#flyte-core      repository URL + chart name after '#'
 *   flyteorg/flyte-core                    a chart of a repository added with `helm repo add`
 */
export function parseChartRef(ref: string, opts: ParseChartOptions = {}): ChartRef {
  const r = ref.trim();
  if (!r) throw new UsageError('chart reference is empty');
  const version = opts.version;
  if (r.startsWith('oci://')) {
    const m = /^(oci:\/\/.+?)(?::([^/:@]+))?$/.exec(r);
    const url = m?.[1] ?? r;
    const tag = m?.[2];
    return { kind: 'oci', url, ...(version ?? tag ? { version: (version ?? tag) as string } : {}) };
  }
  if (/^https?:\/\//.test(r)) {
    const hash = r.indexOf('#');
    if (hash < 0 || hash === r.length - 1) throw new UsageError(`chart "${ref}": a repository URL needs the chart name after '#', e.g. https://helm.flyte.org#flyte-core`);
    return { kind: 'repo', repoUrl: r.slice(0, hash), chart: r.slice(hash + 1), ...(version ? { version } : {}) };
  }
  if (/\.tgz$/.test(r)) return { kind: 'tgz', path: r };
  if (opts.isDirectory?.(r) || r.startsWith('.') || r.startsWith('/')) return { kind: 'dir', path: r };
  if (/^[A-Za-z0-9][-\w.]*\/[-\w.]+$/.test(r)) return { kind: 'named', name: r, ...(version ? { version } : {}) };
  throw new UsageError(`chart "${ref}" is not a directory, .tgz, oci:// reference, https://repo#chart or repo/chart`);
}

/** The chart positional argument plus --repo/--version. */
export function chartArgs(c: ChartRef): string[] {
  switch (c.kind) {
    case 'dir':
    case 'tgz':
      return [c.path];
    case 'oci':
      return [c.url, ...(c.version ? ['--version', c.version] : [])];
    case 'repo':
      return [c.chart, '--repo', c.repoUrl, ...(c.version ? ['--version', c.version] : [])];
    case 'named':
      return [c.name, ...(c.version ? ['--version', c.version] : [])];
  }
}

export function describeChart(c: ChartRef): string {
  switch (c.kind) {
    case 'dir':
    case 'tgz':
      return c.path;
    case 'oci':
      return `${c.url}${c.version ? `@${c.version}` : ''}`;
    case 'repo':
      return `${c.chart} from ${c.repoUrl}${c.version ? `@${c.version}` : ''}`;
    case 'named':
      return `${c.name}${c.version ? `@${c.version}` : ''}`;
  }
}
