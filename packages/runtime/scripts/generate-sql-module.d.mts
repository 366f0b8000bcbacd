/** Types of generate-sql-module.mjs, for the test that keeps the generated module fresh. */
export declare const SQL_DIR: string;
export declare const MODULE_PATH: string;
export declare function renderSqlModule(sqlDir?: string): string;
export declare function withoutLiteralsAndComments(sql: string): string;
