// @flyteorg/flyteidl's generated protobufjs module (CommonJS, static code, no JSON converters) loaded from ESM.
import { createRequire } from 'node:module';
import type { flyteidl as Flyteidl } from '@flyteorg/flyteidl/gen/pb-js/flyteidl.js';

const require = createRequire(import.meta.url);
const mod = require('@flyteorg/flyteidl/gen/pb-js/flyteidl.js') as { flyteidl: typeof Flyteidl };

export const flyteidl = mod.flyteidl;
export type { Flyteidl };
export const admin = flyteidl.admin;
export const core = flyteidl.core;
