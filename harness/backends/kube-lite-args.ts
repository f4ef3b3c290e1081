// Pure: the command lines of one kube-lite cluster (etcd, kube-apiserver, kube-controller-manager), shared by the
// process backend (processes on 127.0.0.1) and the container backend (the same inside a container). Only paths,
// ports and the bind address differ; authorization, service-account setup and controllers are the same.

/** Controllers the guide depends on: token Secrets, service accounts, namespaces, GC, aggregated roles, root CA. */
export const KCM_CONTROLLERS = [
  'serviceaccount-token-controller',
  'serviceaccount-controller',
  'namespace-controller',
  'garbage-collector-controller',
  'clusterrole-aggregation-controller',
  'root-ca-certificate-publisher-controller',
];

export interface KubeLiteFiles {
  caCert: string;
  servingCert: string;
  servingKey: string;
  saKey: string;
  saPub: string;
  etcdCa: string;
  etcdCert: string;
  etcdKey: string;
  kcmKubeconfig: string;
}

export interface KubeLiteLayout {
  /** etcd member name. */
  name: string;
  /** --service-account-issuer (https). */
  issuer: string;
  files: KubeLiteFiles;
  /** etcd data in <dataDir>/etcd, the apiserver's cert dir in <dataDir>/apiserver. */
  dataDir: string;
  etcdClientPort: number;
  etcdPeerPort: number;
  apiPort: number;
  /** 127.0.0.1 for processes; 0.0.0.0 inside a container (the port is mapped to loopback on the host). */
  bindAddress: string;
  /** Needed on hosts whose default route would otherwise be advertised. */
  advertiseAddress?: string;
  controllers: readonly string[];
  extraApiserverArgs?: readonly string[];
}

export function etcdArgs(l: KubeLiteLayout): string[] {
  return [
    `-name=${l.name}`,
    `-data-dir=${l.dataDir}/etcd`,
    `-listen-client-url=https://127.0.0.1:${l.etcdClientPort}`,
    `-listen-peer-url=https://127.0.0.1:${l.etcdPeerPort}`,
    `-cert-file=${l.files.etcdCert}`,
    `-key-file=${l.files.etcdKey}`,
    `-trusted-ca-file=${l.files.etcdCa}`,
  ];
}

export function apiserverArgs(l: KubeLiteLayout): string[] {
  const f = l.files;
  return [
    `--etcd-servers=https://127.0.0.1:${l.etcdClientPort}`,
    `--etcd-cafile=${f.etcdCa}`,
    `--etcd-certfile=${f.etcdCert}`,
    `--etcd-keyfile=${f.etcdKey}`,
    `--bind-address=${l.bindAddress}`,
    ...(l.advertiseAddress ? [`--advertise-address=${l.advertiseAddress}`] : []),
    `--secure-port=${l.apiPort}`,
    `--cert-dir=${l.dataDir}/apiserver`,
    `--tls-cert-file=${f.servingCert}`,
    `--tls-private-key-file=${f.servingKey}`,
    `--client-ca-file=${f.caCert}`,
    '--authorization-mode=RBAC',
    `--service-account-issuer=${l.issuer}`,
    `--service-account-key-file=${f.saPub}`,
    `--service-account-signing-key-file=${f.saKey}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    '--endpoint-reconciler-type=none',
    '--allow-privileged=true',
    '--profiling=false',
    // A disposable test cluster with a handful of clients: no request queuing (priority and fairness) and no watch
    // cache (reads go to etcd). Measured on a control plane + 3 data planes: the guide's wiring 1.3 s → 0.7 s, ready
    // time unchanged (13.0 s both, same load). GOGC is left at Go's default: GOGC=50 saved 40 MiB per apiserver
    // but made start-up 1.5–2 s slower, GOGC=25 3–4 s, and GOMEMLIMIT=64MiB kept the collector running.
    '--enable-priority-and-fairness=false',
    '--watch-cache=false',
    '--v=0',
    ...(l.extraApiserverArgs ?? []),
  ];
}

export function kcmArgs(l: KubeLiteLayout): string[] {
  return [
    `--kubeconfig=${l.files.kcmKubeconfig}`,
    `--service-account-private-key-file=${l.files.saKey}`,
    `--root-ca-file=${l.files.caCert}`,
    `--controllers=${l.controllers.join(',')}`,
    '--use-service-account-credentials=true',
    '--leader-elect=false',
    '--secure-port=0',
    '--service-cluster-ip-range=10.0.0.0/24',
    '--profiling=false',
    '--v=0',
  ];
}

