#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "store/database.hpp"

namespace andel::app {

// How a table stands with a member's export (R_PRIV_4): exported (and through which reference), or holding
// no personal data of members (and why); and what the erasure job does to it (R_PRIV_3). Every table of the
// schema is listed; a test holds the list to the schema, so a new table cannot be forgotten.
struct ExportCoverage {
    std::string table;
    bool exported = false;
    std::string how;      // the reference it is selected by, or why it holds nothing personal
    std::string erasure;  // what ErasureJob does with the member's rows (R_PRIV_3)
};
const std::vector<ExportCoverage>& ExportCoverageList();

// Everything Andel holds about one member (R_PRIV_4), as one JSON document: the person, the membership, the
// household, cards, logins and sessions, consents and choices, receipts, partner sales, redemptions, the
// ledger of the accounts they own, messages and the audit entries about them. Secrets are never in it
// (R_PRIV_5): no password or code hashes, no sealed bodies; a national id is stored only as a keyed hash,
// which the export says without giving it.
class DataExport {
  public:
    DataExport(store::Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}
    core::Result<nlohmann::json> ForMember(int64_t member_id);
    // By member number, for customer service; audited as read by `actor`.
    core::Result<nlohmann::json> ForMemberNumber(const std::string& member_number, const std::string& actor);

  private:
    store::Database& db_;
    const core::Clock& clock_;
};

}  // namespace andel::app
