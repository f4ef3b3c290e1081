// The shared backend conformance suite (test/support/conformance.ts) on the k3s backend; skips with the reason
// when its prerequisites are missing.
import { createBackend } from '../../harness/backends/index.ts';
import { backendConformance } from '../support/conformance.ts';

await backendConformance('k3s', () => createBackend('k3s', { log: (l: string) => console.log(`[k3s] ${l}`) }));
