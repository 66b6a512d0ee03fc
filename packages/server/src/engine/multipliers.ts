/**
 * The multiplier tables of a scoring transaction: the SQL is the store's (store/multipliers.ts), the rule
 * code the scoring's, the same the receipt uses.
 */
import type { Db } from '../store/db';
import type { Model } from '../model/schema';
import { multiplier } from '../scoring/multiplier';
import { prepareMultiplierTables } from '../store/multipliers';

/** Fills the transaction's multiplier temp tables with every person's and account's factor under the model. */
export function prepareMultipliers(tx: Db, orgId: string, model: Model): Promise<void> {
  return prepareMultiplierTables(tx, orgId, model, {
    person: (person, account) => multiplier(model, person, account).factor,
    account: (account) => multiplier(model, null, account).factor,
  });
}
