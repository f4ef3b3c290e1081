// The shared backend conformance suite (test/support/conformance.ts) on the container backend; skips with the reason
// when its prerequisites are missing.
import { createBackend } from '../../harness/backends/index.ts';
import { backendConformance } from '../support/conformance.ts';

await backendConformance('container', () => createBackend('container', { log: (l: string) => console.log(`[container] ${l}`) }));
