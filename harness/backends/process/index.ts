export { ProcessBackend, ProcessCluster, createProcessBackend, PROCESS_BACKEND_INFO } from './backend.ts';
export { KCM_CONTROLLERS } from '../kube-lite-args.ts';
export type { ProcessBackendOptions } from './backend.ts';
export { findKubeLite, kubeLiteVersion, cacheDir } from './binary.ts';
