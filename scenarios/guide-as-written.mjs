#!/usr/bin/env zx
// Scenario "guide-as-written": the guide's literal slips: stringData credentials, dead keys, a workflow ECL value that is no label, day 2 pointing at dataplane 1
// Usage: npm exec -- zx scenarios/guide-as-written.mjs [--backend sim] [--dataplanes N] [--executions M] [--seed S] [--report DIR] [--junit FILE]
// (npm exec puts the project's Node 22 first on PATH; it runs the .ts library by type stripping.)
// A thin wrapper: the logic lives in scenarios/lib (what `flyte-mc run guide-as-written` runs in-process).
import { runFromZx } from './lib/zx.ts';

await runFromZx('guide-as-written', import.meta.url);
