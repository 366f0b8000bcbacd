const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `id` can be a job or run id (a uuid). Statements that look an id up answer "not found"
 * for anything else rather than let PostgreSQL fail the cast.
 */
export function isUuid(id: string): boolean {
  return UUID_PATTERN.test(id);
}
