#include "app/partners/partner_csv.hpp"

namespace andel::app {

using core::CsvField;

std::string ImportResultLine(const PartnerImportRow& r) {
    return std::to_string(r.line) + "," + CsvField(r.sale_id) + "," + r.status + "," +
           (r.status == "rejected" ? "," : std::to_string(r.bonus_minor) + "," + std::to_string(r.reward)) +
           "," + r.unit + "," + r.rule + "," + CsvField(r.error) + "\r\n";
}

std::string ReportCsv(const PartnerReport& report) {
    std::string out = "group_by,key,name,sales,amount_minor,bonus_minor,reversed_minor,net_bonus_minor\r\n";
    for (const auto& r : report.rows)
        out += report.group_by + "," + CsvField(r.key) + "," + CsvField(r.name) + "," +
               std::to_string(r.sales) + "," + std::to_string(r.amount_minor) + "," +
               std::to_string(r.bonus_minor) + "," + std::to_string(r.reversed_minor) + "," +
               std::to_string(r.bonus_minor - r.reversed_minor) + "\r\n";
    out += "\r\npartner,currency,owed_for_period_minor,outstanding_minor\r\n";
    for (const auto& o : report.owed)
        out += CsvField(o.partner_code) + "," + o.currency + "," + std::to_string(o.period_minor) + "," +
               std::to_string(o.outstanding_minor) + "\r\n";
    return out;
}

}  // namespace andel::app
