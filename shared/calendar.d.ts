/** Types for calendar.js (plain JavaScript so the dashboards can run it in the browser as it stands). */

export type PeriodType = "month" | "quarter" | "financial-year" | "rolling-12-months";
/** A financial year, named by its first calendar year: 2012 = 2012/13. */
export type FinancialYear = number;
/** Months since year 0: year × 12 + month − 1. */
export type MonthIndex = number;

export interface Period {
  label: string;
  /** First and last day (inclusive), ISO dates. */
  start: string;
  end: string;
}

export const FY_FIRST_MONTH: number;
export const PERIOD_TYPES: readonly PeriodType[];
export const PERIOD_NAMES: Record<PeriodType, string>;
export const PERIOD_FORMATS: Record<PeriodType, string>;

export function iso(year: number, month: number, day: number): string;
export function daysInMonth(year: number, month: number): number;
export function monthEnd(year: number, month: number): string;
export function monthIndex(year: number, month: number): MonthIndex;
export function monthOfIndex(i: MonthIndex): [number, number];

export function fyOfMonth(year: number, month: number): FinancialYear;
export function fyOfDate(date: string): FinancialYear;
export function fyOfDay(moment: Date): FinancialYear;
export function fyLabel(fy: FinancialYear): string;
export function fyFileLabel(fy: FinancialYear): string;
export function parseFy(text: string): FinancialYear | null;
export function fyStartDate(fy: FinancialYear): string;
export function fyEndDate(fy: FinancialYear): string;
export function fyQuarterOfMonth(month: number): number;
export function quarterLabel(fy: FinancialYear, quarter: number): string;
export function quarterFirstMonth(fy: FinancialYear, quarter: number): MonthIndex;

export function periodStep(type: PeriodType): number;
export function periodEndingAt(type: PeriodType, endIdx: MonthIndex): Period;
export function parsePeriodEnd(type: PeriodType, text: string): MonthIndex | null;
export function readPeriod(type: PeriodType, text: string): Period | null;
export function periodsBetween(type: PeriodType, from: Period, to: Period): Period[];
export function periodsWithin(type: PeriodType, start: string, end: string): Period[];
export function periodsAfter(type: PeriodType, last: Period, h: number): Period[];
export function readDate(text: string): string | null;
export function labelEnd(label: string): string | null;
