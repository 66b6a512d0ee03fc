/** Hubspot connector: placeholder until the Hubspot client lands (replaced by its owner in this session). */
import { PulseError } from '../../errors';
import type { MapConnectorFactory } from '../map/types';

/** Hubspot's factory (not built yet: every use says so). */
export const hubspot: MapConnectorFactory = {
  source: 'hubspot',
  keys: { settings: {}, secrets: {} },
  validate: () => {
    throw new PulseError('NOT_BUILT', 'hubspot connector is not built yet');
  },
  fromEnv: () => null,
  create: () => {
    throw new PulseError('NOT_BUILT', 'hubspot connector is not built yet');
  },
};
