/**
 * What pages share within one visit: the model draft being edited, so the preview and publish pages score
 * and publish exactly what the editor shows (the server keeps the saved draft too, GET /api/model).
 */
export const shared = { draft: null, liveVersion: null };
