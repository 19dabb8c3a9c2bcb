import { EntitySchema } from 'typeorm';

export const REPLAY_META_TABLE = 'replay_meta';

/** Key/value state beside the buffer: the next row id and the feature layout. */
export interface ReplayMetaRow {
  key: string;
  value: string;
}

export const replayMetaEntity = new EntitySchema<ReplayMetaRow>({
  name: 'ReplayMetaRow',
  tableName: REPLAY_META_TABLE,
  columns: {
    key: { type: 'text', primary: true },
    value: { type: 'text' },
  },
});
