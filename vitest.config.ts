import { defineConfig } from 'vitest/config';

// Tiers: unit and property tests always run; integration tests skip themselves
// with a printed reason when a prerequisite (Go, Docker, kube-lite, moto) is missing.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
