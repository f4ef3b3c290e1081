// A fuzz property over the CLI: random commands, flags, paths (files, directories, ".", "..", the input itself, a
// path below a file, /proc), bytes as inputs and interrupt timings, run in process through main() in a sandbox.
// Every outcome is exit 0/1/2/130 with one clear line on error, nothing outside the output target changes, and no
// file is left in the run's TMPDIR (where the credentials dir lives).
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../harness/cli/main.ts';
import { Interrupted } from '../../harness/errors.ts';
import { starterTopologyYaml } from '../../harness/topology/index.ts';

let root: string;
let savedCwd: string;
let savedTmp: string | undefined;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'flyte-mc-fuzz-'));
  savedCwd = process.cwd();
  savedTmp = process.env.TMPDIR;
});
afterAll(async () => {
  process.chdir(savedCwd);
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  await rm(root, { recursive: true, force: true });
});

/** path → content hash (or "dir") of everything below dir. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  async function walk(d: string): Promise<void> {
    for (const e of await readdir(d)) {
      const p = join(d, e);
      const st = await lstat(p);
      const rel = relative(root, p);
      if (st.isDirectory()) {
        out.set(rel, 'dir');
        await walk(p);
      } else out.set(rel, createHash('sha256').update(await readFile(p)).digest('hex'));
    }
  }
  await walk(dir);
  return out;
}

// Paths and inputs, the plausible ones listed more than once so that successes are as common as refusals.
const PATHS = ['out', 'out', 'out/', 'fresh/deep/x', 'fresh/deep/x', 'empty', 'rendered', 'rendered', '.', '..', 'topo.yaml', 'notes.txt', 'notes.txt/sub', 'existing', 'bytes.bin', '/proc/flyte-mc-fuzz', ''];
const INPUTS = ['topo.yaml', 'topo.yaml', 'topo.yaml', 'bytes.bin', 'notes.txt', 'missing.yaml', 'existing', 'creds.json', 'rendered/controlplane/values-override.yaml'];

const pathArb = fc.constantFrom(...PATHS);
const inputArb = fc.constantFrom(...INPUTS);
const flags = (...sets: string[][]) => fc.constantFrom<string[]>([], [], ...sets);

const commandArb = fc.oneof(
  fc.record({ input: inputArb, out: pathArb, f: flags(['--force'], ['--check'], ['--credentials', 'creds.json'], ['--credentials', 'bytes.bin']) }).map((c) => ({ args: ['render', '--topology', c.input, '--out', c.out, ...c.f], targets: [c.out] })),
  fc.record({ out: pathArb, f: flags(['--force'], ['--dataplanes', '3'], ['--dataplanes', '0']) }).map((c) => ({ args: ['init', '--out', c.out, ...c.f], targets: [c.out] })),
  fc.record({ input: inputArb, topo: fc.boolean(), f: flags(['--fail-on', 'warning'], ['--fail-on', 'warning'], ['--format', 'json'], ['--fail-on', 'nope']) }).map((c) => ({ args: [...(c.topo ? ['lint', '--topology', c.input] : ['lint', c.input]), ...c.f], targets: [] as string[] })),
  // The plausible lint again (the starter topology has warnings): a check that fails, exit 1, in every run.
  fc.record({ f: fc.constantFrom(['--fail-on', 'warning'], ['--fail-on', 'warning', '--format', 'json']) }).map((c) => ({ args: ['lint', '--topology', 'topo.yaml', ...c.f], targets: [] as string[] })),
  fc.record({ report: fc.option(pathArb), junit: fc.option(pathArb), scenario: fc.constantFrom('guide', 'guide', 'relative-weights', 'label-typo', 'nope'), f: flags(['--force'], ['--dataplanes', '1'], ['--executions', '0']) }).map((c) => ({
    args: ['run', c.scenario, '--executions', '20', '--quiet', ...(c.report !== null ? ['--report', c.report] : []), ...(c.junit !== null ? ['--junit', c.junit] : []), ...c.f],
    targets: [c.report, c.junit].filter((x): x is string => x !== null),
  })),
  fc.record({ html: pathArb, input: inputArb, f: flags(['--force']) }).map((c) => ({ args: ['distribution', '--topology', c.input, '--label', 'label1', '--samples', '50', '--html', c.html, ...c.f], targets: [c.html] })),
);

const caseArb = fc.record({
  command: commandArb,
  junk: fc.oneof({ weight: 7, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(['--bogus'], ['--out'], ['-']) }),
  bytes: fc.uint8Array({ maxLength: 200 }),
  // An interrupt during the command (it lands only while a command is still running, so it may miss a fast one), or
  // one already there when the command starts (Ctrl-C at once): the latter always ends in 130, so every run of the
  // property meets interrupts.
  interruptAfterMs: fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 4, arbitrary: fc.integer({ min: 0, max: 40 }) }, { weight: 1, arbitrary: fc.constant(-1) }),
});

describe('the CLI under random flags, paths, bytes and interrupts', () => {
  it('exits 0/1/2/130 with one clear line, changes nothing outside the target, leaves no secret behind', async () => {
    let n = 0;
    const outcomes = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ command, junk, bytes, interruptAfterMs }) => {
        const box = join(root, `case-${n++}`);
        const work = join(box, 'work');
        const tmp = join(box, 'tmp');
        await mkdir(join(work, 'existing'), { recursive: true });
        await mkdir(join(work, 'empty'));
        await mkdir(tmp);
        await writeFile(join(work, 'topo.yaml'), starterTopologyYaml());
        await writeFile(join(work, 'notes.txt'), 'the user\'s notes\n');
        await writeFile(join(work, 'existing/mine.txt'), 'keep\n');
        await writeFile(join(work, 'bytes.bin'), bytes);
        await writeFile(join(work, 'creds.json'), JSON.stringify({ dataplane_1: { token: 'eyJfuzz.token.sig', caCrt: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' } }));
        process.chdir(work);
        expect(await main(['render', '--topology', 'topo.yaml', '--out', 'rendered'], quietIo(new AbortController().signal))).toBe(0);
        const before = await snapshot(box);
        process.env.TMPDIR = tmp;
        const ac = new AbortController();
        if (interruptAfterMs === -1) ac.abort(new Interrupted());
        const timer = interruptAfterMs === null || interruptAfterMs === -1 ? undefined : setTimeout(() => ac.abort(new Interrupted()), interruptAfterMs);
        const io = quietIo(ac.signal);
        const args = [...command.args, ...(junk ?? [])];
        let code: number;
        try {
          code = await main(args, io);
        } finally {
          clearTimeout(timer);
          process.env.TMPDIR = savedTmp ?? tmpdir();
          process.chdir(savedCwd);
        }
        const err = io.err.join('');
        const what = `flyte-mc ${args.join(' ')} → ${code}\n${err}`;
        expect([0, 1, 2, 130], what).toContain(code);
        outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
        if (process.env.FUZZ_DEBUG) console.log(what.split("\n").slice(0, 2).join(" ¦ "));
        expect(err, what).not.toMatch(/\n\s+at \S+ \(|\b(TypeError|RangeError|ReferenceError|SyntaxError)\b|Invalid string length/);
        if (code === 2) expect(err.split('\n')[0], what).toMatch(/^flyte-mc [a-z]+: \S.*$/);
        expect(err, `${what}\nechoes a token`).not.toContain('eyJfuzz');
        expect(err, `${what}\nechoes binary input`).not.toContain('\ufffd');
        if (code === 130) expect(err, what).toContain('interrupted');
        // Nothing outside the targets changed (a target's own subtree may).
        const after = await snapshot(box);
        const targets = command.targets.filter((t) => t !== '').map((t) => relative(root, resolve(work, t)));
        // Missing parents of a target are created (mkdir -p): new directories on the way to it are part of it.
        const inTarget = (p: string) => targets.some((t) => p === t || p.startsWith(`${t}/`) || (t.startsWith(`${p}/`) && before.get(p) === undefined && after.get(p) === 'dir'));
        const changed = [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p) !== after.get(p) && !p.startsWith(relative(root, tmp)));
        expect(changed.filter((p) => !inTarget(p)), what).toEqual([]);
        expect(await readdir(tmp), `${what}\nleft in TMPDIR`).toEqual([]);
        await rm(box, { recursive: true, force: true });
      }),
      { numRuns: 150 },
    );
    // The cases reach every kind of outcome, so the checks above ran against refusals, successes and interrupts.
    console.log(`cli fuzz outcomes (exit code: runs): ${[...outcomes].sort(([a], [b]) => a - b).map(([c, k]) => `${c}: ${k}`).join(', ')}`);
    expect([...outcomes.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 130]);
  }, 240_000);
});

function quietIo(signal: AbortSignal) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), signal };
}
