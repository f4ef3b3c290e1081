// Loopback ports, and the cuttable TCP proxy that backends put between the control plane and each data plane.
import { createServer, connect, type Server, type Socket } from 'node:net';

const handedOut = new Set<number>();

/** A free TCP port on 127.0.0.1, never the same one twice in this process. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const addr = s.address();
        const p = typeof addr === 'object' && addr ? addr.port : 0;
        s.close(() => resolve(p));
      });
    });
    if (port && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free port on 127.0.0.1');
}

/** The host of an endpoint URL (the text itself when it is no URL), for messages. */
export function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).hostname;
  } catch {
    return endpoint;
  }
}

/**
 * Forwards 127.0.0.1:<port> to 127.0.0.1:<target>. cut(true) resets every open connection and every new one
 * (the control plane sees "connection reset"), until cut(false).
 */
export class TcpProxy {
  readonly port: number;
  private target: number;
  private readonly server: Server;
  private readonly conns = new Set<Socket>();
  private isCut = false;

  private constructor(port: number, target: number, server: Server) {
    this.port = port;
    this.target = target;
    this.server = server;
    server.on('connection', (s) => this.accept(s));
  }

  static async start(target: number): Promise<TcpProxy> {
    const server = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const addr = server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : 0);
      });
    });
    server.unref();
    return new TcpProxy(port, target, server);
  }

  get cut(): boolean {
    return this.isCut;
  }

  setCut(cut: boolean): void {
    this.isCut = cut;
    if (cut) for (const s of this.conns) s.destroy();
  }

  private accept(client: Socket): void {
    if (this.isCut) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect({ host: '127.0.0.1', port: this.target });
    this.conns.add(client);
    this.conns.add(upstream);
    const done = () => {
      client.destroy();
      upstream.destroy();
      this.conns.delete(client);
      this.conns.delete(upstream);
    };
    client.on('error', done).on('close', done);
    upstream.on('error', done).on('close', done);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  close(): Promise<void> {
    for (const s of this.conns) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
