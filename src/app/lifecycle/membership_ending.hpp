#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/market.hpp"
#include "core/result.hpp"
#include "store/database.hpp"
#include "store/membership/records.hpp"

namespace andel::app {

// What ending a membership does, or would do (R_LIFE_1, R_LIFE_2, R_BON_9, R_HH_7).
struct MembershipEndOutcome {
    std::string member_number;
    bool ended = false;  // false: a preview, nothing changed
    struct Forfeit {
        std::string kind, unit;
        int64_t amount = 0;
    };
    std::vector<Forfeit> forfeited;        // the household's (or the customer's own) bonus, points, dividend
    std::string household;                 // "none", "left" (a participant), "handed_over", "ended"
    std::optional<std::string> new_owner;  // the participant who owns the household now
    int64_t cards_revoked = 0, sessions_ended = 0;
    bool left_cooperative = false;
    int64_t share_refund_minor = 0;  // R_MEM_4: recorded when the person also leaves the cooperative
};

// Ending a membership (R_LIFE_1: by the member at any time; R_LIFE_2: or by the operator, with a reason):
// its value is forfeited by one ledger entry, its cards are revoked, every session ends, the household is
// left (a participant keeps no right to its points, R_HH_7), handed over or ended as the market says; the
// cooperative membership stays unless the person leaves it too, and then the share refund is recorded
// (R_MEM_4). One transaction; a membership ended before answers Conflict.
class MembershipEnding {
  public:
    MembershipEnding(store::Database& db, const core::Clock& clock,
                     const std::map<std::string, core::MarketRules>& markets)
        : db_(db), clock_(clock), markets_(markets) {}

    core::Result<MembershipEndOutcome> Preview(const std::string& member_number);
    // By id: a customer with a profile has no member number (R_MEM_1) and may end it too (R_LIFE_1).
    core::Result<MembershipEndOutcome> PreviewById(int64_t member_id);
    core::Result<MembershipEndOutcome> EndById(int64_t member_id, const std::string& reason,
                                               bool leave_cooperative, const std::string& actor);
    // `reason`: required when the operator ends it (e.g. misuse); the member's own ending records its own.
    core::Result<MembershipEndOutcome> End(const std::string& member_number, bool by_operator,
                                           const std::string& reason, bool leave_cooperative,
                                           const std::string& actor);

    // The same inside the caller's transaction (a job ending many in one transaction).
    core::Result<MembershipEndOutcome> EndIn(store::Connection& c, const std::string& member_number,
                                             bool by_operator, const std::string& reason,
                                             bool leave_cooperative, const std::string& actor) {
        return Run(c, member_number, true, by_operator, reason, leave_cooperative, actor);
    }

  private:
    core::Result<MembershipEndOutcome> Run(store::Connection& c, const std::string& member_number, bool apply,
                                           bool by_operator, const std::string& reason,
                                           bool leave_cooperative, const std::string& actor);
    core::Result<MembershipEndOutcome> RunFor(store::Connection& c, std::optional<store::MemberRecord> m,
                                              bool apply, bool by_operator, const std::string& reason,
                                              bool leave_cooperative, const std::string& actor);
    store::Database& db_;
    const core::Clock& clock_;
    const std::map<std::string, core::MarketRules>& markets_;
};

}  // namespace andel::app
