/**
 * UserPermissionAccess: one row holding the querying user's system permissions
 * (https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_userpermissionaccess.htm),
 * refreshed from the querying user (the session's) before a query that reads it.
 */
import type { EmulatorContext } from './context';
import { makeId } from './ids';

const ROW_ID = makeId('0Lp', 1);

/** Writes the querying user's current permissions into the one UserPermissionAccess row. */
export function refreshPermissionAccess(ctx: EmulatorContext, userId: string): void {
  const u = ctx.userFor(userId);
  ctx.store.load('UserPermissionAccess', [
    {
      Id: ROW_ID,
      PermissionsApiEnabled: u.has('ApiEnabled'),
      PermissionsViewSetup: u.has('ViewSetup'),
      PermissionsViewAllData: u.has('ViewAllData'),
      PermissionsModifyAllData: u.has('ModifyAllData'),
      PermissionsCustomizeApplication: u.has('CustomizeApplication'),
    },
  ]);
}
