import type { DatabaseConfig, Outcome, PredictionRecord, VigilConfigInput } from '@vigil/core';

export declare const batchPrefix: (writer: string, k: number) => string;
export declare function makeBatch(writer: string, k: number, size: number, features?: number): PredictionRecord[];
export declare function outcomesOf(batch: readonly PredictionRecord[]): Outcome[];
export declare function fullConfig(database: DatabaseConfig, root: string, replayMaxSize?: number): VigilConfigInput;
