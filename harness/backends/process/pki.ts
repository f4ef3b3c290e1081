// Per-cluster PKI for the process backend: keys from node:crypto, certificates signed by the openssl CLI (OpenSSL 3's
// `req -x509 -CA`). Every private key is written 0600 inside the cluster's 0700 directory and never printed.
import { execFile } from 'node:child_process';
import { generateKeyPair, randomBytes } from 'node:crypto';
import { mkdir, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);
const genKeyPair = promisify(generateKeyPair);

export interface ClusterPki {
  dir: string;
  /** The cluster CA: signs the API serving cert and every client cert; token Secrets carry it as ca.crt. */
  caCertPath: string;
  caCert: string;
  servingCertPath: string;
  servingKeyPath: string;
  /** Harness admin identity (O=system:masters), kept in memory for the admin client. */
  adminCert: string;
  adminKey: string;
  kcmCertPath: string;
  kcmKeyPath: string;
  kcmCert: string;
  kcmKey: string;
  /** Service-account signing key (ES256) and its public half. */
  saKeyPath: string;
  saPubPath: string;
  /** etcd has its own CA: only the apiserver's etcd client cert can talk to it. */
  etcdCaPath: string;
  etcdCertPath: string;
  etcdKeyPath: string;
}

interface Subject {
  cn: string;
  o?: string;
}

async function newKey(path: string, pubPath?: string): Promise<void> {
  const { privateKey, publicKey } = await genKeyPair('ec', {
    namedCurve: 'prime256v1',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  await writeFile(path, privateKey, { mode: 0o600 });
  if (pubPath) await writeFile(pubPath, publicKey, { mode: 0o644 });
}

function configText(subject: Subject, ext: string[]): string {
  return [
    '[req]',
    'distinguished_name = dn',
    'prompt = no',
    'x509_extensions = ext',
    '[dn]',
    ...(subject.o ? [`O = ${subject.o}`] : []),
    `CN = ${subject.cn}`,
    '[ext]',
    ...ext,
    '',
  ].join('\n');
}

async function openssl(args: string[]): Promise<void> {
  try {
    await execFileP('openssl', args, { timeout: 30_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`openssl ${args[0]} failed: ${(e.stderr ?? e.message).trim().slice(0, 400)}`);
  }
}

/** Self-signed CA certificate for `keyPath`. */
async function selfSignedCa(dir: string, base: string, subject: Subject): Promise<void> {
  const cfg = join(dir, `${base}.cnf`);
  await writeFile(cfg, configText(subject, ['basicConstraints = critical,CA:TRUE', 'keyUsage = critical,keyCertSign,cRLSign,digitalSignature', 'subjectKeyIdentifier = hash']));
  await openssl(['req', '-new', '-x509', '-config', cfg, '-key', join(dir, `${base}.key`), '-out', join(dir, `${base}.crt`), '-days', '3650', '-sha256', '-set_serial', serial()]);
}

async function signedLeaf(dir: string, base: string, ca: string, subject: Subject, usage: string[], sans?: string[]): Promise<void> {
  const cfg = join(dir, `${base}.cnf`);
  const ext = [
    'basicConstraints = critical,CA:FALSE',
    'keyUsage = critical,digitalSignature',
    `extendedKeyUsage = ${usage.join(',')}`,
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid:always',
  ];
  if (sans?.length) ext.push(`subjectAltName = ${sans.join(',')}`);
  await writeFile(cfg, configText(subject, ext));
  await openssl([
    'req', '-new', '-x509', '-config', cfg,
    '-key', join(dir, `${base}.key`),
    '-CA', join(dir, `${ca}.crt`), '-CAkey', join(dir, `${ca}.key`),
    '-out', join(dir, `${base}.crt`), '-days', '365', '-sha256', '-set_serial', serial(),
  ]);
}

function serial(): string {
  return `0x${randomBytes(12).toString('hex')}`;
}

export const SERVING_SANS = [
  'IP:127.0.0.1',
  'IP:10.0.0.1',
  'DNS:localhost',
  'DNS:kubernetes',
  'DNS:kubernetes.default',
  'DNS:kubernetes.default.svc',
  'DNS:kubernetes.default.svc.cluster.local',
];

/** Generates everything one cluster needs under `dir` (created 0700). */
export async function generateClusterPki(dir: string, clusterName: string): Promise<ClusterPki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keys = ['ca', 'serving', 'admin', 'kcm', 'etcd-ca', 'etcd'];
  await Promise.all([...keys.map((k) => newKey(join(dir, `${k}.key`))), newKey(join(dir, 'sa.key'), join(dir, 'sa.pub'))]);
  await Promise.all([
    selfSignedCa(dir, 'ca', { cn: `flyte-mc ${clusterName} CA` }),
    selfSignedCa(dir, 'etcd-ca', { cn: `flyte-mc ${clusterName} etcd CA` }),
  ]);
  await Promise.all([
    signedLeaf(dir, 'serving', 'ca', { cn: 'kube-apiserver' }, ['serverAuth'], SERVING_SANS),
    signedLeaf(dir, 'admin', 'ca', { cn: 'flyte-mc-admin', o: 'system:masters' }, ['clientAuth']),
    signedLeaf(dir, 'kcm', 'ca', { cn: 'system:kube-controller-manager' }, ['clientAuth']),
    // etcd serves and peers with this cert, and the apiserver presents it as its etcd client cert.
    signedLeaf(dir, 'etcd', 'etcd-ca', { cn: 'etcd' }, ['serverAuth', 'clientAuth'], ['IP:127.0.0.1', 'DNS:localhost']),
  ]);
  const read = (f: string) => readFile(join(dir, f), 'utf8');
  const [caCert, adminCert, adminKey, kcmCert, kcmKey] = await Promise.all([read('ca.crt'), read('admin.crt'), read('admin.key'), read('kcm.crt'), read('kcm.key')]);
  return {
    dir,
    caCertPath: join(dir, 'ca.crt'),
    caCert,
    servingCertPath: join(dir, 'serving.crt'),
    servingKeyPath: join(dir, 'serving.key'),
    adminCert,
    adminKey,
    kcmCertPath: join(dir, 'kcm.crt'),
    kcmKeyPath: join(dir, 'kcm.key'),
    kcmCert,
    kcmKey,
    saKeyPath: join(dir, 'sa.key'),
    saPubPath: join(dir, 'sa.pub'),
    etcdCaPath: join(dir, 'etcd-ca.crt'),
    etcdCertPath: join(dir, 'etcd.crt'),
    etcdKeyPath: join(dir, 'etcd.key'),
  };
}

/** A kubeconfig with embedded CA and client cert/key (a secret: write it 0600). */
export function kubeconfig(server: string, caCert: string, cert: string, key: string, user: string): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: local',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${b64(caCert)}`,
    'users:',
    `- name: ${user}`,
    '  user:',
    `    client-certificate-data: ${b64(cert)}`,
    `    client-key-data: ${b64(key)}`,
    'contexts:',
    '- name: local',
    '  context:',
    '    cluster: local',
    `    user: ${user}`,
    'current-context: local',
    '',
  ].join('\n');
}
