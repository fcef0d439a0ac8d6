/** Seconds as people read them: 4.5 → "4.5s", 75 → "1m 15s". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds * 10) / 10;
  if (s < 60) return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m ${Math.round(s - m * 60)}s`;
}
