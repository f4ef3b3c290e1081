import { describe, expect, it } from 'vitest';
import { KCM_CONTROLLERS, apiserverArgs, etcdArgs, kcmArgs, type KubeLiteLayout } from '../../harness/backends/kube-lite-args.ts';
import { CONTAINER_KCM_CONTROLLERS, kubeLiteLayout } from '../../harness/backends/container/layout.ts';

const files = { caCert: '/p/ca.crt', servingCert: '/p/s.crt', servingKey: '/p/s.key', saKey: '/p/sa.key', saPub: '/p/sa.pub', etcdCa: '/p/e-ca.crt', etcdCert: '/p/e.crt', etcdKey: '/p/e.key', kcmKubeconfig: '/p/kcm' };
const proc: KubeLiteLayout = {
  name: 'dataplane-1',
  issuer: 'https://127.0.0.1:41000',
  files,
  dataDir: '/run/c1',
  etcdClientPort: 41001,
  etcdPeerPort: 41002,
  apiPort: 41000,
  bindAddress: '127.0.0.1',
  advertiseAddress: '127.0.0.1',
  controllers: KCM_CONTROLLERS,
  extraApiserverArgs: ['--x=1'],
};

describe('kube-lite command lines', () => {
  it('wire etcd, the apiserver and the controller-manager of one cluster together', () => {
    const a = apiserverArgs(proc);
    expect(etcdArgs(proc)).toContain('-listen-client-url=https://127.0.0.1:41001');
    expect(a).toContain('--etcd-servers=https://127.0.0.1:41001');
    expect(a).toEqual(expect.arrayContaining(['--authorization-mode=RBAC', '--advertise-address=127.0.0.1', '--secure-port=41000', '--service-account-issuer=https://127.0.0.1:41000']));
    expect(a.at(-1)).toBe('--x=1');
    const k = kcmArgs(proc);
    expect(k).toContain('--service-account-private-key-file=/p/sa.key');
    expect(k).toContain(`--controllers=${KCM_CONTROLLERS.join(',')}`);
    expect(KCM_CONTROLLERS).toContain('serviceaccount-token-controller');
  });

  it('inside a container: all interfaces, fixed ports, no advertise address, plus the Deployment controllers', () => {
    const l = kubeLiteLayout({ name: 'dataplane-1', issuer: 'https://dataplane-1:6443' });
    const a = apiserverArgs(l);
    expect(a).toEqual(expect.arrayContaining(['--bind-address=0.0.0.0', '--secure-port=6443', '--tls-cert-file=/pki/serving.crt']));
    expect(a.some((x) => x.startsWith('--advertise-address'))).toBe(false);
    expect(kcmArgs(l)).toContain(`--controllers=${CONTAINER_KCM_CONTROLLERS.join(',')}`);
    expect(CONTAINER_KCM_CONTROLLERS).toEqual(expect.arrayContaining([...KCM_CONTROLLERS, 'deployment-controller', 'replicaset-controller']));
  });

  it('test-cluster cuts: no priority and fairness, no watch cache; extra flags come last so they can undo a cut', () => {
    const a = apiserverArgs({ ...proc, extraApiserverArgs: ['--watch-cache=true'] });
    expect(a).toEqual(expect.arrayContaining(['--enable-priority-and-fairness=false', '--watch-cache=false']));
    expect(a.lastIndexOf('--watch-cache=true')).toBeGreaterThan(a.indexOf('--watch-cache=false'));
  });
});
