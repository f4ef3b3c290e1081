// The explicit list of sub-commands, in the order `flyte-mc help` shows them.
import type { Command } from '../command.ts';
import { diffCommand } from './diff.ts';
import { distributionCommand } from './distribution.ts';
import { iamCommand } from './iam.ts';
import { initCommand } from './init.ts';
import { inspectCommand } from './inspect.ts';
import { lintCommand } from './lint.ts';
import { placeCommand } from './place.ts';
import { renderCommand } from './render.ts';
import { runCommand } from './run.ts';
import { schemaCommand } from './schema.ts';

export const commands: readonly Command[] = [initCommand, renderCommand, lintCommand, inspectCommand, schemaCommand, placeCommand, distributionCommand, diffCommand, iamCommand, runCommand];
