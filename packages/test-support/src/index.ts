/**
 * @vneid/test-support — private helpers shared by the VNeID test suites.
 *
 * @packageDocumentation
 */
export type { TestPostgres, TestPostgresOptions } from './postgres.js';
export { freePort, startTestPostgres } from './postgres.js';
export type { PairServer, PostgresPair, PostgresPairOptions } from './postgres-pair.js';
export { postgresBinDir, startPostgresPair } from './postgres-pair.js';
