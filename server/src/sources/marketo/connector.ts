/** Marketo connector: placeholder until the Marketo client lands (replaced by its owner in this session). */
import { PulseError } from '../../errors';
import type { MapConnectorFactory } from '../map/types';

/** Marketo's factory (not built yet: every use says so). */
export const marketo: MapConnectorFactory = {
  source: 'marketo',
  keys: { settings: {}, secrets: {} },
  validate: () => {
    throw new PulseError('NOT_BUILT', 'marketo connector is not built yet');
  },
  fromEnv: () => null,
  create: () => {
    throw new PulseError('NOT_BUILT', 'marketo connector is not built yet');
  },
};
