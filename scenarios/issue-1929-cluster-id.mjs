#!/usr/bin/env zx
// Scenario "issue-1929-cluster-id": a propeller cluster-id that differs from the clusterConfigs name gets every workflow event rejected
// Usage: npm exec -- zx scenarios/issue-1929-cluster-id.mjs [--backend sim] [--dataplanes N] [--executions M] [--seed S] [--report DIR] [--junit FILE]
// (npm exec puts the project's Node 22 first on PATH; it runs the .ts library by type stripping.)
// A thin wrapper: the logic lives in scenarios/lib (what `flyte-mc run issue-1929-cluster-id` runs in-process).
import { runFromZx } from './lib/zx.ts';

await runFromZx('issue-1929-cluster-id', import.meta.url);
