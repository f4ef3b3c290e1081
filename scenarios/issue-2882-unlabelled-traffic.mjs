#!/usr/bin/env zx
// Scenario "issue-2882-unlabelled-traffic": unlabelled executions reach a specialised cluster that belongs to no general label, until defaultExecutionLabel is set
// Usage: npm exec -- zx scenarios/issue-2882-unlabelled-traffic.mjs [--backend sim] [--dataplanes N] [--executions M] [--seed S] [--report DIR] [--junit FILE]
// (npm exec puts the project's Node 22 first on PATH; it runs the .ts library by type stripping.)
// A thin wrapper: the logic lives in scenarios/lib (what `flyte-mc run issue-2882-unlabelled-traffic` runs in-process).
import { runFromZx } from './lib/zx.ts';

await runFromZx('issue-2882-unlabelled-traffic', import.meta.url);
