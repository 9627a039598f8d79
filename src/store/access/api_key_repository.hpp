#pragma once
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace andel::store {

struct ApiKeyRecord {
    int64_t id = 0;
    std::string key_id, secret_hash, role, name;
    std::optional<int64_t> store_id;
    int64_t created_at = 0;
    std::optional<int64_t> revoked_at;
    std::optional<int64_t> partner_id;  // a partner's key (R_PART_3)
};

class ApiKeyRepository {
  public:
    explicit ApiKeyRepository(Connection& c) : c_(c) {}
    int64_t Insert(const ApiKeyRecord& r);
    std::optional<ApiKeyRecord> FindActive(const std::string& key_id);
    std::vector<ApiKeyRecord> List();
    bool Revoke(const std::string& key_id, int64_t now);

  private:
    Connection& c_;
};

}  // namespace andel::store
