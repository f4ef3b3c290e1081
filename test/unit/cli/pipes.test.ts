// A closed pipe on stdout or stderr (`| head -1`, `2>&1 | head -1`, `| true`) ends the run quietly, with cleanup:
// no EPIPE stack, exit 0 or 141 (128 + SIGPIPE), and no credentials dir left in the run's TMPDIR.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = resolve(import.meta.dirname, '../../../flyte-mc');

describe('EPIPE', () => {
  it.each([
    ['stdout | head -1', `"$CLI" run guide --executions 3000 | head -1 >/dev/null`],
    ['stdout | true', `"$CLI" run guide --executions 3000 | true`],
    ['2>&1 | head -1', `"$CLI" run guide --executions 3000 2>&1 | head -1 >/dev/null`],
    ['stderr only, closed', `"$CLI" run guide --executions 3000 2>&1 >/dev/null | true`],
  ])('%s ends quietly with cleanup', async (_name, pipeline) => {
    const tmp = await mkdtemp(join(tmpdir(), 'flyte-mc-epipe-'));
    try {
      const r = spawnSync('bash', ['-c', `${pipeline}; echo "status=\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8', env: { ...process.env, CLI, TMPDIR: tmp } });
      const status = Number(/status=(\d+)/.exec(r.stderr)?.[1]);
      expect([0, 141], r.stderr).toContain(status);
      expect(r.stderr).not.toMatch(/EPIPE|Error:|\n\s+at /);
      expect(await readdir(tmp)).toEqual([]);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
