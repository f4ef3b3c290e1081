// One interface, several providers (sim, process, container/k3s, kubeconfig), in the spirit of kind's providers.
// Optional capabilities are objects that are present or absent (Cluster.lifecycle, Cluster.partition,
// Backend.clock); callers branch on them, never on a backend's name.
import type { ClusterCredentials } from '../constants.ts';

export type ClusterRole = 'control-plane' | 'data-plane';

/** What to create. `name` is the clusterConfigs name (e.g. dataplane_1); backends derive host-safe names from it. */
export interface ClusterSpec {
  name: string;
  role: ClusterRole;
}

/** What a backend is (kind's Info()); what it can do is in the optional capabilities. */
export interface BackendInfo {
  /** sim | process | container | k3s | kubeconfig */
  name: string;
  /**
   * The clusters exist before and after the run (kubeconfig): dispose deletes only what the run created in them and
   * leaves them running. Absent: dispose removes the clusters themselves.
   */
  borrowsClusters?: true;
}

/** Stopping and starting a cluster with its state kept (processes, containers, the sim). */
export interface ClusterLifecycle {
  /** Graceful stop (SIGTERM / container stop); start() brings the cluster back. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Ungraceful stop (SIGKILL / container kill), state kept. */
  kill(): Promise<void>;
}

/** Cutting the control plane's reach of a cluster (a proxy that resets connections, a network disconnect). */
export interface ClusterPartition {
  cut(): Promise<void>;
  heal(): Promise<void>;
}

/** A virtual clock: lets cluster time pass at once (token caches expire, timestamps move). */
export interface VirtualClock {
  elapse(ms: number): Promise<void>;
}

/** A reference to one Kubernetes object. `namespace` is omitted for cluster-scoped kinds. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** A Kubernetes object as JSON: the harness only needs the generic shape. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/**
 * An error from a Kubernetes API server (real or simulated): the HTTP status and the Status reason,
 * e.g. 401 Unauthorized, 403 Forbidden, 404 NotFound, 409 AlreadyExists/Conflict.
 * `status` 0 means the server could not be reached (connection refused, partition, timeout).
 */
export class KubeApiError extends Error {
  readonly status: number;
  readonly reason: string;
  constructor(status: number, reason: string, message: string) {
    super(message);
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = reason;
  }
}

/** The generic client every backend provides. All methods reject with KubeApiError. */
export interface KubeClient {
  get(ref: ObjectRef): Promise<KubeObject>;
  /** Lists objects of a kind, in one namespace or (namespace omitted) across all. */
  list(kind: { apiVersion: string; kind: string; namespace?: string }): Promise<KubeObject[]>;
  /** Creates; 409 AlreadyExists when the object exists. */
  create(obj: KubeObject): Promise<KubeObject>;
  /** Creates or replaces (replace keeps the object's identity and bumps resourceVersion). */
  apply(obj: KubeObject): Promise<KubeObject>;
  /** Deletes; 404 NotFound when absent. */
  delete(ref: ObjectRef): Promise<void>;
}

/** Credentials of a client as FlyteAdmin builds one from clusterConfigs: endpoint + bearer token + CA bundle. */
export interface TokenCredentials extends ClusterCredentials {
  endpoint: string;
}

/** One running cluster. */
export interface Cluster {
  readonly spec: ClusterSpec;
  /** API URL as the control plane (FlyteAdmin) reaches it: what clusterConfigs[].endpoint gets. */
  readonly endpoint: string;
  /** Service-account token issuer URL (OIDC discovery lives under it). */
  readonly issuer: string;
  /** PEM CA bundle that verifies the API server. */
  caCert(): string;
  /** A client with the harness's own cluster-admin identity. */
  admin(): KubeClient;
  /** A client that authenticates exactly as FlyteAdmin does: bearer token + CA, nothing else. */
  withToken(credentials: TokenCredentials): KubeClient;
  /** Present when this cluster can be stopped and started with its state kept. */
  readonly lifecycle?: ClusterLifecycle;
  /** Present when the control plane can be cut off from this cluster. */
  readonly partition?: ClusterPartition;
  /** Removes the cluster and everything it holds. Idempotent. */
  delete(): Promise<void>;
  /** An admin kubeconfig for tools on the host (helm), where the cluster is a real API server. A secret. */
  kubeconfig?(): string;
}

export interface Backend {
  readonly info: BackendInfo;
  /** Present when cluster time is virtual (the sim); real clusters need real waiting. */
  readonly clock?: VirtualClock;
  /** Why this backend cannot run on this machine (missing binary, no Docker...), or undefined. */
  unavailableReason(): Promise<string | undefined>;
  /** Creates a cluster and resolves when its API is ready. */
  createCluster(spec: ClusterSpec, signal?: AbortSignal): Promise<Cluster>;
  /** Deletes every cluster and resource this backend created. Idempotent; safe after partial failure. */
  dispose(): Promise<void>;
}

/** Options common to every backend factory. */
export interface BackendOptions {
  /** Progress lines ("starting dataplane_1 ..."); never secrets. */
  log?: (line: string) => void;
}
