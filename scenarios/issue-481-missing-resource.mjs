#!/usr/bin/env zx
// Scenario "issue-481-missing-resource": no execution cluster label rows at all: creation tolerates NotFound and spreads over all enabled clusters
// Usage: npm exec -- zx scenarios/issue-481-missing-resource.mjs [--backend sim] [--dataplanes N] [--executions M] [--seed S] [--report DIR] [--junit FILE]
// (npm exec puts the project's Node 22 first on PATH; it runs the .ts library by type stripping.)
// A thin wrapper: the logic lives in scenarios/lib (what `flyte-mc run issue-481-missing-resource` runs in-process).
import { runFromZx } from './lib/zx.ts';

await runFromZx('issue-481-missing-resource', import.meta.url);
