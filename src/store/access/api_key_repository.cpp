#include "store/access/api_key_repository.hpp"

namespace andel::store {
namespace {
constexpr std::string_view kSelect =
    "SELECT id, key_id, secret_hash, role, name, store_id, created_at, revoked_at, partner_id FROM api_keys ";
ApiKeyRecord ToKey(const Row& r) {
    return ApiKeyRecord{r.Int(0),    r.Text(1), r.Text(2),   r.Text(3),  r.Text(4),
                        r.OptInt(5), r.Int(6),  r.OptInt(7), r.OptInt(8)};
}
}  // namespace

int64_t ApiKeyRepository::Insert(const ApiKeyRecord& r) {
    return c_
        .QueryOne(
            "INSERT INTO api_keys (key_id, secret_hash, role, store_id, name, created_at, partner_id) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            {Text(r.key_id), Text(r.secret_hash), Text(r.role), r.store_id ? Int(*r.store_id) : Null(),
             Text(r.name), Int(r.created_at), r.partner_id ? Int(*r.partner_id) : Null()})
        ->Int(0);
}

std::optional<ApiKeyRecord> ApiKeyRepository::FindActive(const std::string& key_id) {
    static const std::string sql = std::string(kSelect) + "WHERE key_id = $1 AND revoked_at IS NULL";
    auto r = c_.QueryOne(sql, {Text(key_id)});
    if (!r) return std::nullopt;
    return ToKey(*r);
}

std::vector<ApiKeyRecord> ApiKeyRepository::List() {
    static const std::string sql = std::string(kSelect) + "ORDER BY id";
    std::vector<ApiKeyRecord> out;
    for (const auto& r : c_.Query(sql)) out.push_back(ToKey(r));
    return out;
}

bool ApiKeyRepository::Revoke(const std::string& key_id, int64_t now) {
    return c_.Execute("UPDATE api_keys SET revoked_at = $2 WHERE key_id = $1 AND revoked_at IS NULL",
                      {Text(key_id), Int(now)}) > 0;
}

}  // namespace andel::store
