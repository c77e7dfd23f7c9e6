/** See csv-cell.js: a cell value with a leading apostrophe when a spreadsheet would run it as a formula. */
export function neutraliseCsvCell<T>(value: T): T | string;
