export { createSimBackend, type SimBackendOptions } from './backend.ts';
