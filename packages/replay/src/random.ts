/** Replay's seeded PRNG is core's (mulberry32); kept under its historical name. */
export { seededRandom as mulberry32 } from '@vigil/core';
