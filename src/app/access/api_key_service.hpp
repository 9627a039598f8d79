#pragma once
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "store/access/api_key_repository.hpp"
#include "store/database.hpp"

namespace andel::app {

// Roles a machine key may carry. People's roles arrive with the identity issue.
inline constexpr const char* kRoleBackOffice = "backoffice";
inline constexpr const char* kRoleTill = "till";
inline constexpr const char* kRolePartner = "partner";  // a partner's systems: member check, sales (R_PART_3)
inline constexpr const char* kRoleKiosk = "price_checker";  // a store's price checker (R_OFF_2)

struct IssuedKey {
    std::string key_id;
    std::string token;  // "andel_<key_id>_<secret>": shown once, never stored
};

// API keys for the back office and tills (DESIGN.md "HTTP conventions"). The secret has 256 bits from
// libsodium; only its SHA-256 is stored (a slow hash adds nothing to a random 256-bit secret), and it is
// compared in constant time.
//
// Verified keys are remembered for kVerifyCacheTtl, so a till's requests cost one database read per key
// and interval, not one per request. Revoking a key therefore takes effect on every node within that time.
class ApiKeyService {
  public:
    ApiKeyService(store::Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}
    // A till or price-checker key names its store, a partner key its partner (by code).
    core::Result<IssuedKey> Issue(const std::string& role, const std::string& name,
                                  const std::optional<std::string>& store_code,
                                  const std::optional<std::string>& partner_code = std::nullopt);
    // The key for a presented token, or nullopt when unknown, revoked or wrong.
    std::optional<store::ApiKeyRecord> Verify(const std::string& token);
    bool Revoke(const std::string& key_id);

    static constexpr std::chrono::seconds kVerifyCacheTtl{10};

  private:
    struct Cached {
        store::ApiKeyRecord key;
        std::chrono::steady_clock::time_point expires;
    };
    store::Database& db_;
    const core::Clock& clock_;
    std::mutex mu_;
    std::unordered_map<std::string, Cached> verified_;  // by SHA-256 of the whole token
};

}  // namespace andel::app
