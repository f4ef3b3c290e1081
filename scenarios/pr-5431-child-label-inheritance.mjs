#!/usr/bin/env zx
// Scenario "pr-5431-child-label-inheritance": child executions inherit the parent's explicit label only; a label from matchable attributes is not passed down
// Usage: npx zx scenarios/pr-5431-child-label-inheritance.mjs [--backend sim] [--dataplanes N] [--executions M] [--seed S] [--report DIR] [--junit FILE]
// A thin wrapper: the logic lives in scenarios/lib (what `flyte-mc run pr-5431-child-label-inheritance` runs in-process).
import { runFromZx } from './lib/zx.ts';

await runFromZx('pr-5431-child-label-inheritance', import.meta.url);
