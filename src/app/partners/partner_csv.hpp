#pragma once
#include <string>
#include <string_view>

#include "app/partners/partner_service.hpp"
#include "core/csv.hpp"

namespace andel::app {

// The result file of a partner sales import: a header, then one line per row of the uploaded file.
inline constexpr const char* kImportResultHeader =
    "line,sale_id,status,bonus_minor,reward,unit,rule,error\r\n";
std::string ImportResultLine(const PartnerImportRow& row);

// The partner report (R_PART_4) as CSV: one line per group, then one per partner of what it owes.
std::string ReportCsv(const PartnerReport& report);

}  // namespace andel::app
