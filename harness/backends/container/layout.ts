// Pure: what runs inside one kube-lite cluster container. The flags are the process backend's (same components, same
// authorization, same service-account setup), with in-container paths and ports:
//   /pki/...                  PKI generated on the host by process/pki.ts, copied in (0600)
//   /var/lib/kube-lite/...    etcd data and the apiserver cert dir (the container's writable layer: kept across stop/start)
//   :6443                     kube-apiserver on all interfaces (mapped to 127.0.0.1:<port> on the host; the network alias
//                             reaches it from other containers), etcd on 127.0.0.1:2379/2380 inside only.
// A busybox sh supervises the three processes: etcd, the apiserver, and the controller-manager in a restart loop (it
// exits when the apiserver is not healthy soon enough); TERM/INT stop them; if etcd or the apiserver exits, so does
// the container (Docker reports it).
import { KCM_CONTROLLERS, apiserverArgs, etcdArgs, kcmArgs, type KubeLiteLayout } from '../kube-lite-args.ts';

export const API_PORT = 6443;
export const PKI_DIR = '/pki';
export const DATA_DIR = '/var/lib/kube-lite';
export const READY_LINE = 'flyte-mc: components started';

/** The process backend's controllers plus Deployment/ReplicaSet, so helm releases get pods (nothing schedules them). */
export const CONTAINER_KCM_CONTROLLERS = [...KCM_CONTROLLERS, 'deployment-controller', 'replicaset-controller'];

export interface Layout {
  /** etcd member name. */
  name: string;
  /** --service-account-issuer. */
  issuer: string;
  apiserverArgs?: readonly string[];
}

export const PKI_FILES = ['ca.crt', 'serving.crt', 'serving.key', 'sa.key', 'sa.pub', 'etcd-ca.crt', 'etcd.crt', 'etcd.key', 'kcm.kubeconfig'] as const;

const pki = (f: (typeof PKI_FILES)[number]) => `${PKI_DIR}/${f}`;

/** The in-container layout of one cluster: the PKI under /pki, data in the writable layer, etcd on loopback. */
export function kubeLiteLayout(l: Layout): KubeLiteLayout {
  return {
    name: l.name,
    issuer: l.issuer,
    files: {
      caCert: pki('ca.crt'),
      servingCert: pki('serving.crt'),
      servingKey: pki('serving.key'),
      saKey: pki('sa.key'),
      saPub: pki('sa.pub'),
      etcdCa: pki('etcd-ca.crt'),
      etcdCert: pki('etcd.crt'),
      etcdKey: pki('etcd.key'),
      kcmKubeconfig: pki('kcm.kubeconfig'),
    },
    dataDir: DATA_DIR,
    etcdClientPort: 2379,
    etcdPeerPort: 2380,
    apiPort: API_PORT,
    // All interfaces inside the container: the alias reaches it from the network, the host maps it to loopback.
    bindAddress: '0.0.0.0',
    controllers: CONTAINER_KCM_CONTROLLERS,
    extraApiserverArgs: l.apiserverArgs ?? [],
  };
}

/** Single-quotes for sh. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The container's command: the supervisor script for busybox sh. */
export function supervisorCommand(l: Layout): string[] {
  const cmd = (component: string, args: string[]) => ['/kube-lite', component, ...args].map(shQuote).join(' ');
  const script = [
    `mkdir -p ${DATA_DIR}/etcd ${DATA_DIR}/apiserver`,
    `${cmd('etcd', etcdArgs(kubeLiteLayout(l)))} & e=$!`,
    `${cmd('kube-apiserver', apiserverArgs(kubeLiteLayout(l)))} & a=$!`,
    // The controller-manager gives up when the apiserver is not healthy soon enough: keep restarting it.
    `( while :; do ${cmd('kube-controller-manager', kcmArgs(kubeLiteLayout(l)))}; echo "flyte-mc: kube-controller-manager exited, restarting" >&2; sleep 1; done ) & k=$!`,
    `trap 'kill -TERM $k $a $e 2>/dev/null; wait; exit 0' TERM INT`,
    `echo "${READY_LINE}"`,
    'while kill -0 $e 2>/dev/null && kill -0 $a 2>/dev/null; do sleep 1; done',
    'echo "flyte-mc: etcd or kube-apiserver exited" >&2',
    'kill -TERM $k $a $e 2>/dev/null; wait; exit 1',
  ].join('\n');
  return ['/bin/sh', '-c', script];
}
