import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { type Issue, type Logger, VigilError, describeValue, throwIfIssues } from '@vigil/core';
import { GICS_SECTORS, UNKNOWN_SECTOR, gicsTable } from './gics.js';
import { parseSectorCsv } from './sectorCsv.js';
import { canonicalSymbol } from './symbols.js';

export type UnknownSymbolPolicy = 'reject' | 'track';

export interface SectorMapOptions {
  /** User additions/overrides, symbol -> sector; they win over the CSV and the GICS table. */
  readonly symbols?: Readonly<Record<string, string>>;
  /** A CSV of the shipped format (`symbol,sector` required); wins over the GICS table. */
  readonly symbolsCsv?: string | undefined;
  /** Sector names allowed besides the 11 GICS sectors (so a typo such as 'Technology' is refused). */
  readonly customSectors?: readonly string[];
  /** 'reject': an unknown symbol is a VigilError; 'track': it is tracked under `Unknown`, warned once. */
  readonly unknownSymbols?: UnknownSymbolPolicy;
  readonly logger?: Logger;
}

/**
 * Symbol -> sector: user overrides, then a user CSV, then the shipped GICS table. Symbols are
 * matched in canonical form (case-insensitive, `BRK-B` = `BRK.B`). Files are read on first use;
 * call `load()` to read them early (the plugin does so at start, so a bad path fails start).
 */
export class SectorMap {
  readonly policy: UnknownSymbolPolicy;
  readonly sectors: readonly string[];
  readonly #options: SectorMapOptions;
  readonly #unknown = new Map<string, number>();
  #overrides: Map<string, string> | undefined;

  constructor(options: SectorMapOptions = {}) {
    this.#options = options;
    this.policy = options.unknownSymbols ?? 'track';
    this.sectors = [...new Set([...GICS_SECTORS, ...(options.customSectors ?? [])])];
  }

  /** Reads the GICS table and the user CSV now; throws VIGIL_CONFIG_INVALID on a bad file or sector. */
  load(): this {
    gicsTable();
    this.#table();
    return this;
  }

  /** The mapped sector, or undefined; no policy applied, nothing logged. */
  lookup(symbol: string): string | undefined {
    const key = canonicalSymbol(symbol);
    return this.#table().get(key) ?? gicsTable().get(key)?.sector;
  }

  /**
   * Sectors for a batch, by the unknown-symbol policy: 'reject' throws one VIGIL_INVALID_INPUT
   * naming every unknown symbol (nothing is counted); 'track' maps them to `Unknown`, warns once
   * per symbol and counts each lookup.
   */
  resolveAll(symbols: readonly string[], path: (i: number) => string = (i) => `symbols[${i}]`): string[] {
    // a batch repeats a few symbols: each distinct one is looked up once (null: looked up, no sector)
    const looked = new Map<string, string | null>();
    const out = symbols.map((s) => {
      let sector = looked.get(s);
      if (sector === undefined) {
        sector = this.lookup(s) ?? null;
        looked.set(s, sector);
      }
      return sector ?? undefined;
    });
    if (this.policy === 'reject') {
      const issues: Issue[] = [];
      out.forEach((s, i) => {
        if (s === undefined) {
          issues.push({
            path: path(i),
            message: `no sector is known for symbol ${describeValue(symbols[i])}; add it to the sectors plugin's 'symbols' or 'symbolsCsv' option, or set unknownSymbols: 'track'`,
            value: symbols[i],
          });
        }
      });
      throwIfIssues('symbols', issues);
      return out as string[];
    }
    return out.map((s, i) => {
      if (s !== undefined) return s;
      const key = canonicalSymbol(symbols[i] as string);
      const seen = this.#unknown.get(key) ?? 0;
      if (seen === 0)
        this.#options.logger?.warn(`symbol ${key} has no known sector; tracking it under '${UNKNOWN_SECTOR}'`, {
          symbol: key,
        });
      this.#unknown.set(key, seen + 1);
      return UNKNOWN_SECTOR;
    });
  }

  /** One symbol's sector under the policy (see `resolveAll`). */
  resolve(symbol: string): string {
    return this.resolveAll([symbol], () => 'symbol')[0] as string;
  }

  /** Symbols tracked under `Unknown` so far (each warned once), with how many lookups each had. */
  unknownSymbols(): ReadonlyMap<string, number> {
    return new Map(this.#unknown);
  }

  #table(): Map<string, string> {
    if (this.#overrides) return this.#overrides;
    const allowed = new Set(this.sectors);
    const table = new Map<string, string>();
    const file = this.#options.symbolsCsv;
    if (file) {
      const path = resolvePath(file);
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (cause) {
        throw new VigilError(
          'VIGIL_CONFIG_INVALID',
          `cannot read the sector CSV ${path}: ${(cause as Error).message}`,
          { cause },
        );
      }
      for (const r of parseSectorCsv(text, path, allowed)) table.set(r.symbol, r.sector);
    }
    const issues: Issue[] = [];
    for (const [symbol, sector] of Object.entries(this.#options.symbols ?? {})) {
      const key = canonicalSymbol(symbol);
      if (key.length === 0)
        issues.push({
          path: `symbols.${JSON.stringify(symbol)}`,
          message: 'the symbol must be non-empty',
          value: symbol,
        });
      else if (!allowed.has(sector))
        issues.push({
          path: `symbols.${key}`,
          message: `must be one of [${this.sectors.join(', ')}], got ${describeValue(sector)}`,
          value: sector,
        });
      else table.set(key, sector);
    }
    if (issues.length) {
      throw new VigilError(
        'VIGIL_CONFIG_INVALID',
        `invalid sector overrides:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
        { issues },
      );
    }
    this.#overrides = table;
    return table;
  }
}
