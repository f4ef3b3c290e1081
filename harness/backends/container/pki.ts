// The process backend's PKI (process/pki.ts), with a serving certificate that is also valid for the names other
// containers use: the network alias and the container name. The serving key stays; only the certificate is re-signed
// by the cluster CA with the process backend's SANs plus those names.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SERVING_SANS, generateClusterPki, type ClusterPki } from '../process/pki.ts';

const execFileP = promisify(execFile);

export async function generateContainerPki(dir: string, clusterName: string, dnsNames: readonly string[]): Promise<ClusterPki> {
  const pki = await generateClusterPki(dir, clusterName);
  const sans = [...SERVING_SANS, ...dnsNames.map((n) => `DNS:${n}`)];
  const cfg = join(dir, 'serving-alias.cnf');
  await writeFile(
    cfg,
    [
      '[req]',
      'distinguished_name = dn',
      'prompt = no',
      'x509_extensions = ext',
      '[dn]',
      'CN = kube-apiserver',
      '[ext]',
      'basicConstraints = critical,CA:FALSE',
      'keyUsage = critical,digitalSignature',
      'extendedKeyUsage = serverAuth',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid:always',
      `subjectAltName = ${sans.join(',')}`,
      '',
    ].join('\n'),
  );
  try {
    await execFileP('openssl', [
      'req', '-new', '-x509', '-config', cfg, '-key', pki.servingKeyPath,
      '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'),
      '-out', pki.servingCertPath, '-days', '365', '-sha256', '-set_serial', `0x${randomBytes(12).toString('hex')}`,
    ], { timeout: 30_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`failed to sign the serving certificate for ${dnsNames.join(', ')}: ${(e.stderr ?? e.message).trim().slice(0, 300)}`);
  }
  await readFile(pki.servingCertPath, 'utf8');
  return pki;
}
