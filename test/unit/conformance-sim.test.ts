// The shared backend conformance suite (test/support/conformance.ts) on the in-process sim backend.
import { createBackend } from '../../harness/backends/index.ts';
import { backendConformance } from '../support/conformance.ts';

await backendConformance('sim', () => createBackend('sim'), { settleMs: 2_000 });
