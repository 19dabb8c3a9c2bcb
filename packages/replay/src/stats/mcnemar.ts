/** McNemar's test and the exact binomial tail live in core (the gate's challenger criterion uses them too). */
export { type McNemarResult, binomialUpperTail, mcnemar } from '@vigil/core';
