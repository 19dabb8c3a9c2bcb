export { parseCsv } from './csv.js';
export {
  STOCK_SYMBOLS,
  STRESS_EPISODES,
  dataDir,
  loadSp500,
  loadSpy,
  loadStock,
  loadVix,
  type Bar,
  type StockSymbol,
} from './loaders.js';
