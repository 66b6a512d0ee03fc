/** Pardot connector: placeholder until the Pardot client lands (replaced by its owner in this session). */
import { PulseError } from '../../errors';
import type { MapConnectorFactory } from '../map/types';

/** Pardot's factory (not built yet: every use says so). */
export const pardot: MapConnectorFactory = {
  source: 'pardot',
  keys: { settings: {}, secrets: {} },
  validate: () => {
    throw new PulseError('NOT_BUILT', 'pardot connector is not built yet');
  },
  fromEnv: () => null,
  create: () => {
    throw new PulseError('NOT_BUILT', 'pardot connector is not built yet');
  },
};
