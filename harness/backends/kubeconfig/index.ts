export { KubeconfigBackend, createKubeconfigBackend, resolveKubeconfigOptions, KUBECONFIG_BACKEND_INFO, type KubeconfigBackendOptions } from './backend.ts';
export { Kubeconfig, buildKubeconfig, type ContextCredentials, type KubeconfigEntry } from './kubeconfig.ts';
export { TrackingKubeClient, Ledger, MANAGED_BY, refOf, refKey, describeRef } from './tracking.ts';
