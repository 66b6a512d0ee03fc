/**
 * Reduces one or more LDS / GraphQL / JavaScript errors into a list of readable messages,
 * after the `reduceErrors` of trailheadapps/lwc-recipes, extended for GraphQL `errors` arrays.
 */
export function reduceErrors(errors) {
  const list = Array.isArray(errors) ? errors : [errors];
  return list
    .filter((error) => !!error)
    .map((error) => {
      // UI API read errors
      if (Array.isArray(error.body)) {
        return error.body.map((e) => e.message);
      }
      // Page-level and field-level errors of a record save
      if (error.body && error.body.output) {
        const page = (error.body.output.errors || []).map((e) => e.message);
        const fields = Object.values(error.body.output.fieldErrors || {})
          .flat()
          .map((e) => e.message);
        if (page.length + fields.length > 0) {
          return [...page, ...fields];
        }
      }
      // UI API DML, Apex and network errors
      if (error.body && typeof error.body.message === 'string') {
        return error.body.message;
      }
      // GraphQL wire adapter errors and JS errors
      if (typeof error.message === 'string') {
        return error.message;
      }
      // Unknown error shape: show its status text when there is one
      return error.statusText;
    })
    .flat()
    .filter((message) => !!message);
}
