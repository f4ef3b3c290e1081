#!/usr/bin/env zx
// Scenario "day2-add-cluster": add a data plane (N → N+1) with executions in flight; old ones survive, new ones follow the new config
// Usage: npm exec -- zx scenarios/day2-add-cluster.mjs [--backend sim] [--dataplanes N] [--executions M] [--seed S] [--report DIR] [--junit FILE]
// (npm exec puts the project's Node 22 first on PATH; it runs the .ts library by type stripping.)
// A thin wrapper: the logic lives in scenarios/lib (what `flyte-mc run day2-add-cluster` runs in-process).
import { runFromZx } from './lib/zx.ts';

await runFromZx('day2-add-cluster', import.meta.url);
