// FlyteAdmin's DataProxyService.CreateUploadLocation (flyteadmin/dataproxy/service.go at v1.16.8), which
// `pyflyte run --remote` and FlyteRemote's fast registration call to upload the code package: the model answers with
// a signed URL on a loopback HTTP server of its own, and a PUT there writes the file into the session's blob store
// (the directory propeller's stow-local storage reads), at the native s3:// URL FlyteAdmin would return. The other
// DataProxyService calls answer UNIMPLEMENTED.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { flyteidl } from '../../flyte/idl.ts';
import { AdminError } from '../attributes.ts';
import { localPath } from '../../propeller/pods.ts';
import type { AdminGrpcServer } from './server.ts';

export const DATA_PROXY_SERVICE = 'flyteidl.service.DataProxyService';
/** The chart's dataproxy upload defaults (flyteadmin config `server.dataProxy.upload`): storage prefix, name length. */
const STORAGE_PREFIX = 'uploads';
const DEFAULT_FILENAME_LENGTH = 20;
const MAX_EXPIRES_S = 3600;

export interface DataProxyOptions {
  /** The blob store's local root (s3://bucket/key is <root>/bucket/key). */
  storageRoot: () => string;
  bucket: () => string;
  log?: (line: string) => void;
}

/** One upload the model handed out a signed URL for. */
interface Pending {
  path: string;
  md5: Buffer | undefined;
  expires: number;
}

const base32 = (b: Buffer): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of b) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out.padEnd(Math.ceil(out.length / 8) * 8, '=');
};

export class DataProxy {
  private readonly http: Server;
  private readonly pending = new Map<string, Pending>();
  private readonly opts: DataProxyOptions;
  private port = 0;

  constructor(opts: DataProxyOptions) {
    this.opts = opts;
    this.http = createServer((req, res) => {
      const token = /^\/upload\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '')?.[1];
      const p = token ? this.pending.get(token) : undefined;
      if (req.method !== 'PUT' || !p || p.expires < Date.now()) {
        res.writeHead(p ? 405 : 403).end(p ? 'PUT only' : 'unknown or expired upload URL');
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const md5 = createHash('md5').update(body).digest();
        // Signed with Content-MD5 (as S3 presigned URLs are): another body is refused.
        if (p.md5 && !md5.equals(p.md5)) {
          res.writeHead(400).end('Content-MD5 does not match the signed digest');
          return;
        }
        void this.store(p.path, body).then(
          () => {
            this.pending.delete(token as string);
            res.writeHead(200).end();
          },
          (err: Error) => res.writeHead(500).end(err.message),
        );
      });
    });
  }

  private async store(path: string, body: Buffer): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(`${path}.part`, body);
    await rename(`${path}.part`, path);
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    this.port = (this.http.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeAllConnections();
  }

  /** Registers DataProxyService on the admin gRPC server (CreateUploadLocation; the rest UNIMPLEMENTED). */
  register(server: AdminGrpcServer): void {
    const svc = flyteidl.service;
    server.handle(
      'CreateUploadLocation',
      (buf) => svc.CreateUploadLocationResponse.encode(this.createUploadLocation(svc.CreateUploadLocationRequest.decode(buf))).finish(),
      DATA_PROXY_SERVICE,
    );
    for (const m of ['CreateDownloadLocation', 'CreateDownloadLink', 'GetData']) {
      server.handle(
        m,
        () => {
          throw new AdminError('Unimplemented', `DataProxyService.${m} is not implemented by flyte-mc's FlyteAdmin model`);
        },
        DATA_PROXY_SERVICE,
      );
    }
  }

  /** The checks and the location of service.go's CreateUploadLocation (the existence check is not modelled). */
  createUploadLocation(req: ReturnType<typeof flyteidl.service.CreateUploadLocationRequest.decode>): ReturnType<typeof flyteidl.service.CreateUploadLocationResponse.create> {
    if (!req.project || !req.domain) throw new AdminError('InvalidArgument', 'project and domain are required parameters');
    const md5 = req.contentMd5 && req.contentMd5.length > 0 ? Buffer.from(req.contentMd5) : undefined;
    if (!req.filenameRoot && !md5) throw new AdminError('InvalidArgument', 'content_md5 or filename_root is a required parameter');
    const expiresS = req.expiresIn ? Number(req.expiresIn.seconds ?? 0) : MAX_EXPIRES_S;
    if (expiresS > MAX_EXPIRES_S) throw new AdminError('InvalidArgument', `expiresIn [${expiresS}s] cannot exceed max allowed expiration [1h0m0s]`);
    const filename = req.filename || randomBytes(DEFAULT_FILENAME_LENGTH).toString('base64url').slice(0, DEFAULT_FILENAME_LENGTH).toLowerCase();
    const prefix = req.filenameRoot || base32(md5 as Buffer);
    const nativeUrl = `s3://${this.opts.bucket()}/${STORAGE_PREFIX}/${req.project}/${req.domain}/${prefix}/${filename}`;
    const token = randomBytes(18).toString('base64url');
    const expires = Date.now() + expiresS * 1000;
    this.pending.set(token, { path: localPath(this.opts.storageRoot(), nativeUrl), md5, expires });
    this.opts.log?.(`upload location ${nativeUrl}`);
    return {
      signedUrl: `http://127.0.0.1:${this.port}/upload/${token}`,
      nativeUrl,
      expiresAt: { seconds: Math.floor(expires / 1000) as never, nanos: 0 },
      headers: md5 ? { 'Content-MD5': md5.toString('base64') } : {},
    };
  }
}
