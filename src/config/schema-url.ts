/** Where the published JSON Schema of git-canary.yaml can be fetched (the npm package ships `schema/`). */
export const SCHEMA_URL = 'https://unpkg.com/git-canary/schema/git-canary.schema.json';
