// One control for "where": the borough, the target wards, the rest of the borough, a neighbourhood
// area or a ward. A native <select> with option groups (keyboard-operable, screen-reader friendly)
// whose value is {geography, code, name}. Use it with view().
import * as Inputs from "@observablehq/inputs";

/** "ward:biscot" ⇄ {geography: "ward", code: "biscot"} */
export function encodeGeography({geography, code}) {
  return geography === "borough" || geography === "target-wards" || geography === "rest-of-borough" || !code ? geography : `${geography}:${code}`;
}

export function decodeGeography(text, geos, laCode = "821") {
  const [geography, code] = String(text ?? "").split(":");
  return {geography: geography || "borough", code: code ?? null, name: geographyName({geography: geography || "borough", code}, geos, laCode)};
}

export function geographyName({geography, code}, geos, laCode = "821") {
  const la = geos.authorities.find((a) => a.laCode === laCode)?.name ?? "the borough";
  if (geography === "borough") return la;
  if (geography === "target-wards") return `${geos.targetWards.name}${geos.targetWards.illustrative ? " (illustrative)" : ""}`;
  if (geography === "rest-of-borough") return `Rest of ${la}`;
  if (geography === "area") return `${geos.areas.find((a) => a.id === code)?.name ?? code} area`;
  if (geography === "ward") return `${geos.wards.find((w) => w.id === code)?.name ?? code} ward`;
  return geography;
}

/** The API query parameters for a geography value. */
export function geographyParams(g) {
  return g.geography === "borough" || g.geography === "target-wards" || g.geography === "rest-of-borough" ? {geography: g.geography, ...(g.code ? {code: g.code} : {})} : {geography: g.geography, code: g.code};
}

/**
 * An Inputs.select (so it looks and behaves like the page's other controls) whose options are then
 * gathered into <optgroup>s; option order is unchanged, so Inputs' index-based value still holds.
 * @param geos the geographies loader output
 * @param options {value: encoded, laCode, allowed: geography types, label}
 */
export function geographyPicker(geos, {value = "borough", laCode = "821", allowed = ["borough", "target-wards", "rest-of-borough", "area", "ward"], label = "Geography"} = {}) {
  const areas = geos.areas.filter((a) => a.laCode === laCode);
  const wards = geos.wards.filter((w) => w.laCode === laCode).sort((a, b) => a.name.localeCompare(b.name));
  const la = geos.authorities.find((a) => a.laCode === laCode)?.name ?? "Borough";
  const hasTarget = geos.targetWards.laCode === laCode;
  const options = [];
  const add = (group, geography, code, text) => options.push({group, geography, code, name: geographyName({geography, code}, geos, laCode), text});
  if (allowed.includes("borough")) add("Whole authority", "borough", null, `${la} (whole borough)`);
  if (hasTarget && allowed.includes("target-wards")) add("Whole authority", "target-wards", null, `The five target wards${geos.targetWards.illustrative ? " (illustrative set)" : ""}`);
  if (hasTarget && allowed.includes("rest-of-borough")) add("Whole authority", "rest-of-borough", null, `Rest of ${la}`);
  if (allowed.includes("area") && areas.length > 1) for (const a of areas) add("Neighbourhood areas", "area", a.id, `${a.name} area`);
  if (allowed.includes("ward")) {
    for (const w of wards) add(laCode === "821" ? "Wards (2003–2023 boundaries)" : "Clusters", "ward", w.id, `${w.name}${hasTarget && geos.targetWards.wards.includes(w.id) ? " (target ward)" : ""}`);
  }
  const chosen = options.find((o) => encodeGeography(o) === value) ?? options[0];
  const input = Inputs.select(options, {label, format: (o) => o.text, value: chosen});
  const select = input.querySelector("select");
  let group = null;
  for (const option of [...select.options]) {
    const o = options[Number(option.value)];
    if (!group || group.label !== o.group) {
      group = document.createElement("optgroup");
      group.label = o.group;
      select.append(group);
    }
    group.append(option);
  }
  return input;
}
