// The shared helpers: polling with messages that say what, where and how long; supervised child processes; names.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Interner } from '../../harness/util/interner.ts';
import { dnsName } from '../../harness/util/names.ts';
import { freePort } from '../../harness/util/net.ts';
import { parsesAsPem } from '../../harness/util/pem.ts';
import { runToCompletion, startProcess } from '../../harness/util/process.ts';
import { backoff, notYet, waitFor, WaitTimeout } from '../../harness/util/wait.ts';

describe('waitFor', () => {
  it('returns the first value the probe yields', async () => {
    let n = 0;
    expect(await waitFor('three probes', 5_000, () => (++n < 3 ? notYet(`probe ${n}`) : n), { intervalMs: 1 })).toBe(3);
  });

  it('times out saying what, where, for how long and the last reason', async () => {
    const err = await waitFor('the token Secret', 50, () => notYet('no token yet'), { where: 'dataplane_1 (127.0.0.1:6443)', intervalMs: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeout);
    expect((err as Error).message).toBe('timed out after 50 ms waiting for the token Secret on dataplane_1 (127.0.0.1:6443); last: no token yet');
  });

  it('ends at once when the probe throws, and when the signal aborts', async () => {
    const t0 = Date.now();
    await expect(waitFor('x', 10_000, () => {
      throw new Error('etcd exited');
    })).rejects.toThrow('etcd exited');
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('interrupted')), 20);
    await expect(waitFor('y', 10_000, () => undefined, { signal: ac.signal, intervalMs: 5 })).rejects.toThrow('interrupted');
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('with a sleeper (a virtual clock), the timeout counts the pauses asked of it, not the wall clock', async () => {
    const pauses: number[] = [];
    let probes = 0;
    const err = await waitFor('the FlyteWorkflow objects', 30_000, () => notYet(`probe ${++probes}`), {
      intervalMs: 500,
      sleep: async (ms) => void pauses.push(ms),
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('timed out after 30 s waiting for the FlyteWorkflow objects; last: probe 61');
    expect(pauses.length).toBe(60);
    expect(pauses.every((ms) => ms === 500)).toBe(true);
  });

  it('takes the pause from a function of the probes made, e.g. a backoff capped at the time left', async () => {
    const pauses: number[] = [];
    await waitFor('a slow thing', 1_000, () => notYet('no'), { intervalMs: backoff(5, 500), sleep: async (ms) => void pauses.push(ms) }).catch(() => undefined);
    expect(pauses).toEqual([5, 10, 20, 40, 80, 160, 320, 365]);
  });
});

describe('child processes', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('waits for a log line, stops the process group, and reports a failure with the log tail', async () => {
    dir = await mkdtemp(join(tmpdir(), 'flyte-mc-util-'));
    const p = startProcess({ name: 'talker', command: process.execPath, args: ['-e', 'console.log("booting"); setTimeout(() => console.log("ready to accept"), 50); setInterval(() => {}, 1000)'], logFile: join(dir, 'talker.log') });
    expect(await p.waitForLine(/ready to accept/, 10_000)).toBe('ready to accept');
    expect(p.tail()).toContain('booting');
    const exit = await p.stop(2_000);
    expect(exit.signal).toBe('SIGTERM');
    expect(p.running).toBe(false);

    const early = startProcess({ name: 'quitter', command: process.execPath, args: ['-e', 'console.log("bye")'], logFile: join(dir, 'quitter.log') });
    await expect(early.waitForLine(/never/, 10_000)).rejects.toThrow(/quitter exited before logging \/never\/:\n.*bye/s);

    await expect(runToCompletion({ name: 'failing', command: process.execPath, args: ['-e', 'console.error("boom"); process.exit(3)'], logFile: join(dir, 'failing.log') })).rejects.toThrow(/failing failed \(exit code 3\):\nboom/);
  });
});

describe('names, ports, PEM, interning', () => {
  it('one DNS-safe form of a cluster name', () => {
    expect(dnsName('dataplane_1')).toBe('dataplane-1');
    expect(dnsName('DataPlane.EU_1')).toBe('dataplane.eu-1');
    expect(dnsName('_x_')).toBe('x');
    expect(dnsName('___')).toBe('cluster');
  });

  it('freePort never hands out the same port twice', async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    expect(new Set(ports).size).toBe(3);
  });

  it('parsesAsPem accepts a certificate block and rejects base64 left undecoded', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n';
    expect(parsesAsPem(pem)).toBe(true);
    expect(parsesAsPem(Buffer.from(pem).toString('base64'))).toBe(false);
    expect(parsesAsPem('')).toBe(false);
  });

  it('Interner gives each distinct string one dense id', () => {
    const i = new Interner();
    expect([i.id('a'), i.id('b'), i.id('a')]).toEqual([0, 1, 0]);
    expect(i.lookup('c')).toBeUndefined();
    expect(i.values).toEqual(['a', 'b']);
  });
});
