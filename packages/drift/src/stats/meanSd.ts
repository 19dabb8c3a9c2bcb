/** Mean and sample standard deviation (n - 1) of x[start, end); sd is 0 for fewer than two values. */
export function meanSd(x: ArrayLike<number>, start = 0, end = x.length): { mean: number; sd: number } {
  const n = end - start;
  if (n <= 0) return { mean: Number.NaN, sd: 0 };
  let mean = 0;
  for (let i = start; i < end; i++) mean += x[i] as number;
  mean /= n;
  let v = 0;
  for (let i = start; i < end; i++) v += ((x[i] as number) - mean) ** 2;
  return { mean, sd: n > 1 ? Math.sqrt(v / (n - 1)) : 0 };
}
