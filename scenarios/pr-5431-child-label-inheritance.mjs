#!/usr/bin/env zx
// Scenario "pr-5431-child-label-inheritance": child executions inherit the parent's explicit label only; a label from matchable attributes is not passed down
// Usage: npm exec -- zx scenarios/pr-5431-child-label-inheritance.mjs [--backend sim] [--dataplanes N] [--executions M] [--seed S] [--report DIR] [--junit FILE]
// (npm exec puts the project's Node 22 first on PATH; it runs the .ts library by type stripping.)
// A thin wrapper: the logic lives in scenarios/lib (what `flyte-mc run pr-5431-child-label-inheritance` runs in-process).
import { runFromZx } from './lib/zx.ts';

await runFromZx('pr-5431-child-label-inheritance', import.meta.url);
