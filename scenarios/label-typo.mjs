#!/usr/bin/env zx
// Scenario "label-typo": a typo in an execution cluster label falls back silently to all enabled clusters; pre-flight catches it
// Usage: npm exec -- zx scenarios/label-typo.mjs [--backend sim] [--dataplanes N] [--executions M] [--seed S] [--report DIR] [--junit FILE]
// (npm exec puts the project's Node 22 first on PATH; it runs the .ts library by type stripping.)
// A thin wrapper: the logic lives in scenarios/lib (what `flyte-mc run label-typo` runs in-process).
import { runFromZx } from './lib/zx.ts';

await runFromZx('label-typo', import.meta.url);
