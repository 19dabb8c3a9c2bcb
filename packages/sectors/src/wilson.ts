/** The one Wilson interval lives in core (the gate's trading criteria use it too). */
export { type Interval, Z_95, wilsonInterval } from '@vigil/core';
