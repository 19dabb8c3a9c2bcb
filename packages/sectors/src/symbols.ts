/**
 * The one form a symbol is stored and matched in: trimmed, upper case, share classes dotted
 * (`brk-b`, `BRK/B` and `BRK.B` are all `BRK.B`, the form the GICS table uses).
 */
export function canonicalSymbol(symbol: string): string {
  return symbol.trim().toUpperCase().replace(/[-/]/g, '.');
}
