import {createWriteStream} from "node:fs";
import {once} from "node:events";

/**
 * A synthetic CIN census XML of a given size, for the parse-rate benchmark and the streaming test.
 * Identifiers are invented (SYN-prefixed child ids, UPNs with a Z check letter) and the header says so.
 */
export async function writeSyntheticCinXml(path: string, children: number, returnYear = 2023, options: {datesInReturnYear?: boolean} = {}): Promise<void> {
  const out = createWriteStream(path, {encoding: "utf8"});
  const write = async (s: string) => { if (!out.write(s)) await once(out, "drain"); };
  await write(`<?xml version="1.0" encoding="UTF-8"?>\n<!-- SYNTHETIC CIN census for benchmarks: no real child. -->\n<Message>\n<Header><CollectionDetails><Collection>CIN</Collection><Year>${returnYear}</Year><ReferenceDate>${returnYear}-03-31</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel><LEA>999</LEA><SoftwareCode>Synthetic</SoftwareCode></Source></Header>\n<Children>\n`);
  const sources = ["1A", "2A", "3A", "3B", "5D", "6", "8"];
  const categories = ["NEG", "EMO", "PHY", "SAB", "MUL"];
  for (let i = 0; i < children; i++) {
    const m = (i % 12) + 1;
    // By default months run January to December of the year before the return's end (a quarter of them
    // outside the return); datesInReturnYear runs them April to March, so every event is in the return.
    const calendarMonth = options.datesInReturnYear ? ((m + 2) % 12) + 1 : m;
    const y = options.datesInReturnYear && calendarMonth <= 3 ? returnYear : returnYear - 1;
    const month = String(calendarMonth).padStart(2, "0");
    const day = String((i % 27) + 1).padStart(2, "0");
    const nfa = i % 4 === 0;
    const id = `SYN${String(i).padStart(7, "0")}`;
    let xml = `<Child><ChildIdentifiers><LAchildID>${id}</LAchildID><UPN>Z${String(i).padStart(12, "0")}</UPN>` +
      `<PersonBirthDate>${2005 + (i % 17)}-${month}-${day}</PersonBirthDate><GenderCurrent>${1 + (i % 2)}</GenderCurrent></ChildIdentifiers>` +
      `<ChildCharacteristics><Ethnicity>${["WBRI", "APKN", "BAFR", "MWBC", "OOTH"][i % 5]}</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>` +
      `<CINdetails><CINreferralDate>${y}-${month}-${day}</CINreferralDate><ReferralSource>${sources[i % sources.length]}</ReferralSource>`;
    if (nfa) {
      xml += `<ReferralNFA>false</ReferralNFA></CINdetails></Child>\n`.replace("false", "true");
    } else {
      xml += `<PrimaryNeedCode>N${1 + (i % 8)}</PrimaryNeedCode>` +
        `<Assessments><AssessmentActualStartDate>${y}-${month}-${day}</AssessmentActualStartDate><AssessmentAuthorisationDate>${y}-${month}-28</AssessmentAuthorisationDate>` +
        `<FactorsIdentifiedAtAssessment><AssessmentFactors>3A</AssessmentFactors><AssessmentFactors>4B</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>` +
        `<CINPlanDates><CINPlanStartDate>${y}-${month}-28</CINPlanStartDate></CINPlanDates>`;
      if (i % 3 === 0) {
        xml += `<Section47><S47ActualStartDate>${y}-${month}-${day}</S47ActualStartDate><DateOfInitialCPC>${y}-${month}-28</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired></Section47>` +
          `<ReferralNFA>false</ReferralNFA><ChildProtectionPlans><CPPstartDate>${y}-${month}-28</CPPstartDate><InitialCategoryOfAbuse>${categories[i % 5]}</InitialCategoryOfAbuse>` +
          `<LatestCategoryOfAbuse>${categories[i % 5]}</LatestCategoryOfAbuse><NumberOfPreviousCPP>${i % 3}</NumberOfPreviousCPP><Reviews><CPPreviewDate>${returnYear}-01-15</CPPreviewDate></Reviews></ChildProtectionPlans>`;
      } else {
        xml += `<ReferralNFA>false</ReferralNFA>`;
      }
      xml += `</CINdetails></Child>\n`;
    }
    await write(xml);
  }
  await write(`</Children>\n</Message>\n`);
  out.end();
  await once(out, "finish");
}
