import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** Every table of the database, each as a digest of its rows in a canonical order (SQLite's AUTOINCREMENT counters one by one). */
export async function dumpTables(ds: DataSource): Promise<Record<string, string>> {
  const pg = ds.options.type === 'postgres';
  const tables = (
    (await ds.query(
      pg
        ? 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1'
        : "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1",
    )) as { name: string }[]
  ).map((t) => t.name);
  const out: Record<string, string> = {};
  for (const t of tables) {
    if (t === 'sqlite_sequence') {
      // One entry per AUTOINCREMENT table, so a refusal logged in one table can be told apart.
      for (const r of (await ds.query('SELECT name, seq FROM sqlite_sequence')) as { name: string; seq: number }[])
        out[`sqlite_sequence.${r.name}`] = String(r.seq);
      continue;
    }
    const rows = ((await ds.query(`SELECT * FROM "${t.replace(/"/g, '""')}"`)) as Record<string, unknown>[]).map((r) =>
      JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)),
    );
    rows.sort();
    out[t] = `${rows.length}:${createHash('sha256').update(rows.join('\n')).digest('hex')}`;
  }
  return out;
}
