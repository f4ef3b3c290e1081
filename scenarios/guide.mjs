#!/usr/bin/env zx
// Scenario "guide": the multicluster guide end to end: data planes, token, cluster-credentials, values-override, ECLs, workflows
// Usage: npm exec -- zx scenarios/guide.mjs [--backend sim] [--dataplanes N] [--executions M] [--seed S] [--report DIR] [--junit FILE]
// (npm exec puts the project's Node 22 first on PATH; it runs the .ts library by type stripping.)
// A thin wrapper: the logic lives in scenarios/lib (what `flyte-mc run guide` runs in-process).
import { runFromZx } from './lib/zx.ts';

await runFromZx('guide', import.meta.url);
