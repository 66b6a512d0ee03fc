/** The MAP connectors Pulse knows, by source name. */
import { hubspot } from '../hubspot/connector';
import { marketo } from '../marketo/connector';
import { pardot } from '../pardot/connector';
import type { MapConnectorFactory, MapSourceName } from './types';

export const MAP_CONNECTORS: Readonly<Record<MapSourceName, MapConnectorFactory>> = { marketo, hubspot, pardot };
