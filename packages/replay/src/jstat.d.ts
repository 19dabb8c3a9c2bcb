declare module 'jstat' {
  interface JStat {
    chisquare: { cdf(x: number, dof: number): number };
    ibeta(x: number, a: number, b: number): number;
    gammaln(x: number): number;
  }
  const jStat: JStat;
  export default jStat;
}
