export { ContainerBackend, createContainerBackend, defaultKubeLiteImage, CONTAINER_BACKEND_INFO, type ContainerBackendOptions } from './backend.ts';
export { ContainerCluster, BoundGenericContainer } from './cluster.ts';
export { startRunNetwork } from './network.ts';
