// The shared backend conformance suite (test/support/conformance.ts) on the process backend; skips with the reason
// when its prerequisites are missing.
import { createBackend } from '../../harness/backends/index.ts';
import { backendConformance } from '../support/conformance.ts';

await backendConformance('process', () => createBackend('process', { log: (l: string) => console.log(`[process] ${l}`) }));
