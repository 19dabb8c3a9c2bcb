export {
  createTestDatabase,
  createTestHost,
  postgresUrl,
  testDatabases,
  type TestDatabase,
  type TestDatabaseHandle,
  type TestHost,
  type TestHostOptions,
} from './testHost.js';
