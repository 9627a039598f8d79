#pragma once
#include <optional>
#include <string>

#include "store/database.hpp"

namespace andel::store {

// R_PRIV_1: what a member allows of direct marketing, per channel, and the ad block.
struct MarketingChoices {
    bool email = true, sms = true, post = true, app = true;
    bool ad_block = false;
    std::optional<int64_t> updated_at;
    std::string updated_by;
};

class MarketingRepository {
  public:
    explicit MarketingRepository(Connection& c) : c_(c) {}
    // The member's choices; the defaults (no objection) when none are recorded.
    MarketingChoices Find(int64_t member_id);
    void Save(int64_t member_id, const MarketingChoices& choices, int64_t now, const std::string& actor);

  private:
    Connection& c_;
};

}  // namespace andel::store
