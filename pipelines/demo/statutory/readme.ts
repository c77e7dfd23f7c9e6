/** The README written beside the statutory demo files. */
export const STATUTORY_README = `# SYNTHETIC DEMO DATA — not real children

Everything in this folder was made up by Curve's demo generator (\`npm run demo-data\`). No child,
date of birth, id, UPN, postcode, placement or event is real. The files are the same Luton (821)
and Leeds (383) records as the Curve-layout extracts one folder up, written the way a council
submits them to the DfE, so that Curve's statutory importers (the door) can be exercised on them.

One folder per authority (DfE LA number):

| file | format | notes |
|---|---|---|
| \`<la>_SSDA903_<YYYY>_Header.csv\`, \`..._Episodes.csv\` | SSDA903 (children looked after) | return for the year ending 31 March YYYY; columns and codes as liia-tools \`SSDA903_schema_2017.yml\`; dates DD/MM/YYYY; every episode open during the year, DEC/REC only when ended by 31 March; one row per period of care (RNE \`S\`) |
| \`<la>_CIN_Census_<YYYY>.xml\` | CIN census | reference date 31 March YYYY; elements and order as liia-tools \`CIN_schema_2016.xsd\` (the 2015-16 census) for every year; every child with a CIN episode open in the year, as known on the reference date; open cases carried forward into the next year's return |
| \`<la>_ssd_address.csv\` | Standard Safeguarding Dataset \`ssd_address\` | each child's home postcode (no space, as the SSD formats it) from before birth, never ended |
| \`<la>_postcode_ward_lookup.csv\` | council lookup \`postcode,ward_id,la_code\` | every home postcode used, to Curve's ward ids |

Identifiers, all synthetic:

- **Child id** \`LUT0001234\` (Luton) / \`LDS0001234\` (Leeds): the same child in every year and in both returns.
- **Date of birth**: a day inside the child's month of birth as Curve's layout gives it, never after the child is first seen born.
- **UPN**: \`X\` + LA number + 9 digits — the pattern the schema checks, but not a valid check letter; \`UN1\` under age 5.
- **Postcodes**: the real outward code of the area (LU1–LU4, LS1–LS28; placements outside: MK45, SG5, AL5, HP5, BD1, WF1, HG1, YO1)
  with an inward code made only of letters Royal Mail never uses in an inward code (C I K M O V), e.g. \`LU1 4CK\`.
- **URN** of a children's home: \`SC9\` + 5 digits (fake).

\`<la>_demo_key_crosswalk.csv\` is demo plumbing, not a council file: it says which Curve-layout
\`child_key\` is which child id, so the demo inbox can give the early help, service and participation
extracts (which stay in Curve's layout) the key the door gives the same child.

What the statutory files cannot say (Curve's layout can) is listed in docs/demo-data.md,
"Statutory files"; the mapping the importers use is \`pipelines/door/cin-concern-map.ts\`.
`;
