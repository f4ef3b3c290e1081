export { K3sBackend, createK3sBackend, K3S_BACKEND_INFO, type K3sBackendOptions } from './backend.ts';
export { k3sHostProblems, k3sImage, DEFAULT_K3S_IMAGE, MIN_INOTIFY_INSTANCES } from './preflight.ts';
