// bench/template: how fast Hearth reads templates. Prints one JSON line per
// case with the median time and the peak memory; never fails on time.
//   npm run bench:template
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const cases = process.argv.slice(2).length
  ? process.argv.slice(2)
  : ['cold:100', 'cold:1000', 'cold:5000', 'edit:1000', 'edit:5000', 'reader:1000', 'ops:1000', 'corpus'];

if (process.env.HEARTH_BENCH_CASE) {
  const { runCase } = await import('./cases.ts');
  const result = await runCase(process.env.HEARTH_BENCH_CASE);
  const peak = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ ...result, peak_rss_mb: Math.round(peak) }));
} else {
  for (const c of cases) {
    // Each case in its own process, so that its peak memory is its own.
    const run = spawnSync(process.execPath, [...process.execArgv, self], {
      env: { ...process.env, HEARTH_BENCH_CASE: c },
      encoding: 'utf8',
    });
    process.stdout.write(run.stdout);
    if (run.status !== 0) process.stderr.write(run.stderr);
  }
}
