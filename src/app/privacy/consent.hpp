#pragma once
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "store/database.hpp"

namespace andel::app {

// The purposes a member consents to separately (R_PRIV_2): tracking cookies, personalisation of offers
// (R_OFF_3) and of content (R_OFF_4), and analysis of purchase data.
inline constexpr std::array<const char*, 4> kConsentPurposes = {"tracking_cookies", "personalised_offers",
                                                                "personalised_content", "purchase_analysis"};

struct ConsentState {
    std::string purpose;
    bool given = false;  // no answer recorded: not given
    std::optional<int64_t> at;
    std::string channel, text_version;
};

struct ConsentEvent {
    std::string purpose;
    bool given = false;
    std::string channel, text_version, actor;
    int64_t at = 0;
};

// Consents per purpose with their whole history (R_PRIV_2): giving and withdrawing are recorded, never
// overwritten. Anything that personalises or tracks asks Allows() first.
class ConsentService {
  public:
    ConsentService(store::Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}
    core::Result<std::vector<ConsentState>> Get(int64_t member_id);
    // Records an answer; the same answer as the current one records nothing new (idempotent).
    core::Result<ConsentState> Set(int64_t member_id, const std::string& purpose, bool given,
                                   const std::string& channel, const std::string& text_version,
                                   const std::string& actor);
    core::Result<std::vector<ConsentEvent>> History(int64_t member_id);
    // Whether the member's latest answer for `purpose` is a consent.
    bool Allows(store::Connection& c, int64_t member_id, const std::string& purpose);

  private:
    store::Database& db_;
    const core::Clock& clock_;
};

}  // namespace andel::app
