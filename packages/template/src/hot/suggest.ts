// "Did you mean ...?" for names a user probably mistyped.

export function editDistance(a: string, b: string, limit = 3): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return Math.min(prev[b.length]!, limit);
}

/** The one option that differs from `name` only by case or by a couple of typos. */
export function closestName(name: string, options: Iterable<string>): string | null {
  const lower = name.toLowerCase();
  const near: string[] = [];
  for (const option of options) {
    if (option === name) continue;
    if (option.toLowerCase() === lower) return option;
    if (editDistance(option.toLowerCase(), lower) <= 2) near.push(option);
  }
  return near.length === 1 ? near[0]! : null;
}
