export { ProcessBackend, ProcessCluster, createProcessBackend, PROCESS_BACKEND_INFO, KCM_CONTROLLERS, hostSafeName } from './backend.ts';
export type { ProcessBackendOptions } from './backend.ts';
export { findKubeLite, kubeLiteVersion, cacheDir } from './binary.ts';
