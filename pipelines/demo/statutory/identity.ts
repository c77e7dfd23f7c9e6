/**
 * Synthetic identities for the statutory files: what a council's case system would export and the
 * door must degrade (child id, full date of birth, UPN, home postcode). Every value is made up and
 * shaped so it cannot be mistaken for a real one (see README.md beside the files).
 */
import {civil, dayOf, firstDayOfMonth, lastDayOfMonth, type Day} from "../calendar.js";
import type {Ethnicity, Sex} from "../codes.js";
import type {Ward} from "../geography.js";
import type {Child} from "../model.js";

/** A 32-bit mix of integers (murmur3 finaliser): per-record choices that never touch the seeded streams. */
export function mix(...xs: number[]): number {
  let h = 0x9e3779b9;
  for (const x of xs) {
    h = Math.imul(h ^ (x | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

export function pickBy<T>(list: readonly T[], ...xs: number[]): T {
  return list[mix(...xs) % list.length];
}

/** The council's own child id: stable across years and across the 903 and the CIN census. */
export function councilChildId(prefix: string, child: Child): string {
  return `${prefix}${String(child.serial).padStart(7, "0")}`;
}

/**
 * Full date of birth inside the child's birth month. A child seen in its birth month is born on or
 * before that first contact, so the month (and every age the contracts compute) stays as written.
 */
export function dateOfBirth(child: Child, firstSeen: Day, seed: number): Day {
  const first = firstDayOfMonth(child.birthMonth);
  let last = lastDayOfMonth(child.birthMonth);
  if (firstSeen >= first && firstSeen <= last) last = firstSeen;
  return first + (mix(seed, child.serial, 11) % (last - first + 1));
}

/**
 * UPN-shaped: a letter, the LA number, an 8-digit serial and a final digit (the pattern the CIN
 * schema checks). The leading letter is not the DfE check letter, so it is not a valid UPN.
 */
export function fakeUpn(laCode: string, child: Child): string {
  return `X${laCode}${String(child.serial).padStart(8, "0")}${child.serial % 10}`;
}

/** Children under school age have no UPN: the returns carry the DfE reason code UN1 instead. */
export function hasUpn(child: Child, day: Day): boolean {
  const c = civil(day);
  return (c.year * 12 + c.month - 1 - child.birthMonth) / 12 >= 5;
}

/** Sex as the 903 records it: 1 male, 2 female and nothing else, so the few "not known" are given one. */
export function sex903(sex: Sex, child: Child): "1" | "2" {
  if (sex === "male") return "1";
  if (sex === "female") return "2";
  return child.serial % 2 === 0 ? "1" : "2";
}

/** CIN census GenderCurrent before 2024-25: 1, 2, or 0 "not recorded or unborn". */
export function genderCin(sex: Sex): "1" | "2" | "0" {
  return sex === "male" ? "1" : sex === "female" ? "2" : "0";
}

/** A DfE ethnicity code inside the child's major group (the door maps it back by its first letter). */
const ETHNIC_CODES: Record<Ethnicity, readonly string[]> = {
  White: ["WBRI", "WBRI", "WBRI", "WBRI", "WBRI", "WBRI", "WOTH", "WIRI"],
  Asian: ["APKN", "APKN", "APKN", "ABAN", "ABAN", "AIND", "AOTH"],
  Black: ["BAFR", "BAFR", "BCRB", "BOTH"],
  Mixed: ["MWBC", "MWAS", "MWBA", "MOTH"],
  Other: ["OOTH"],
  Missing: ["NOBT", "REFU"]
};

export function ethnicCode(child: Child): string {
  return pickBy(ETHNIC_CODES[child.ethnicity], child.serial, 23);
}

// ---- Postcodes ---------------------------------------------------------------------------------

/**
 * Home postcodes per ward: the real outward code of the area (LU1–LU4 for Luton, LS1–LS28 for
 * Leeds) with an inward code built only from the letters Royal Mail never issues in an inward code
 * (C I K M O V), e.g. "LU1 4CK". Well-formed to any general postcode pattern, never a real address.
 */
const OUTWARDS: Record<string, readonly string[]> = {
  "821": ["LU1", "LU2", "LU3", "LU4"],
  "383": ["LS1", "LS2", "LS3", "LS4", "LS5", "LS6", "LS7", "LS8", "LS9", "LS10", "LS11", "LS12", "LS13", "LS14", "LS15", "LS16", "LS17", "LS18", "LS19", "LS20", "LS21", "LS22", "LS23", "LS24", "LS25", "LS26", "LS27", "LS28"]
};
/** Placements outside the authority: neighbouring outward codes, same synthetic inward codes. */
const OUT_OF_AREA: Record<string, readonly string[]> = {"821": ["MK45", "SG5", "AL5", "HP5"], "383": ["BD1", "WF1", "HG1", "YO1"]};
const NEVER_ISSUED = "CIKMOV";
export const POSTCODES_PER_WARD = 12;

function inward(n: number): string {
  return `${n % 10}${NEVER_ISSUED[Math.floor(n / 10) % 6]}${NEVER_ISSUED[Math.floor(n / 60) % 6]}`;
}

export class Postcodes {
  private readonly byWard = new Map<string, string[]>();

  constructor(readonly laCode: string, wards: readonly Ward[]) {
    const outwards = OUTWARDS[laCode] ?? [`ZZ${laCode}`];
    wards.forEach((w, i) => {
      const outward = outwards[i % outwards.length];
      // Wards sharing an outward code take disjoint blocks of inward codes.
      const block = Math.floor(i / outwards.length) * POSTCODES_PER_WARD;
      this.byWard.set(w.id, Array.from({length: POSTCODES_PER_WARD}, (_, k) => `${outward} ${inward(block + k)}`));
    });
  }

  home(child: Child): string {
    const list = this.byWard.get(child.ward.id);
    if (!list) throw new Error(`no synthetic postcodes for ward ${child.ward.id}`);
    return pickBy(list, child.serial, 31);
  }

  /** Where a child is placed: mostly in the authority (another ward's postcode), sometimes outside. */
  placement(child: Child, episodeStart: Day): string {
    const h = mix(child.serial, episodeStart, 37);
    if (h % 4 === 0) return `${pickBy(OUT_OF_AREA[this.laCode] ?? ["ZZ0"], h, 1)} ${inward(h % 360)}`;
    const wards = [...this.byWard.values()];
    return pickBy(pickBy(wards, h, 2), h, 3);
  }

  /** The council's postcode → ward lookup: every home postcode the files use. */
  lookupRows(): string[][] {
    const rows: string[][] = [];
    for (const [ward, list] of this.byWard) for (const p of list) rows.push([p, ward, this.laCode]);
    return rows;
  }
}

export const ddmmyyyy = (day: Day | null): string => {
  if (day === null) return "";
  const c = civil(day);
  return `${String(c.day).padStart(2, "0")}/${String(c.month).padStart(2, "0")}/${c.year}`;
};

/** 31 March that closes the return year (fy 2012 = 2012-13 → 31 March 2013). */
export const referenceDate = (fy: number): Day => dayOf(fy + 1, 3, 31);
