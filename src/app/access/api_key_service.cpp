#include "app/access/api_key_service.hpp"

#include "app/crypto.hpp"
#include "store/membership/membership_repository.hpp"
#include "store/partners/partner_repository.hpp"

namespace andel::app {

core::Result<IssuedKey> ApiKeyService::Issue(const std::string& role, const std::string& name,
                                             const std::optional<std::string>& store_code,
                                             const std::optional<std::string>& partner_code) {
    if (role != kRoleBackOffice && role != kRoleTill && role != kRolePartner && role != kRoleKiosk)
        return core::Error::Invalid("role must be backoffice, till, price_checker or partner", "role");
    if (role == kRolePartner && !partner_code)
        return core::Error::Invalid("a partner key needs a partner", "partner");
    if (role != kRolePartner && partner_code)
        return core::Error::Invalid("only a partner key names a partner", "partner");
    if (name.empty() || name.size() > 100)
        return core::Error::Malformed("name is 1 to 100 characters", "name");
    if ((role == kRoleTill || role == kRoleKiosk) && !store_code)
        return core::Error::Invalid("a till or price-checker key needs a store", "store");
    store::Transaction tx(db_);
    store::ApiKeyRecord r;
    if (store_code) {
        auto s = store::MembershipRepository(tx.conn()).FindStoreByCode(*store_code);
        if (!s) return core::Error::Invalid("no store with code " + *store_code, "store");
        r.store_id = s->id;
    }
    if (partner_code) {
        auto p = store::PartnerRepository(tx.conn()).FindPartnerByCode(*partner_code);
        if (!p) return core::Error::Invalid("no partner with code " + *partner_code, "partner");
        r.partner_id = p->id;
    }
    std::string secret = RandomHex(32);
    r.key_id = RandomHex(8);
    r.secret_hash = Sha256Hex(secret);
    r.role = role;
    r.name = name;
    r.created_at = core::ToMillis(clock_.Now());
    store::ApiKeyRepository(tx.conn()).Insert(r);
    tx.Commit();
    return IssuedKey{r.key_id, "andel_" + r.key_id + "_" + secret};
}

std::optional<store::ApiKeyRecord> ApiKeyService::Verify(const std::string& token) {
    // andel_<16 hex>_<64 hex>
    if (token.size() != 6 + 16 + 1 + 64 || !token.starts_with("andel_") || token[22] != '_')
        return std::nullopt;
    std::string token_hash = Sha256Hex(token);
    auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(mu_);
        auto it = verified_.find(token_hash);
        if (it != verified_.end() && it->second.expires > now) return it->second.key;
    }
    std::string key_id = token.substr(6, 16);
    std::string secret = token.substr(23);
    auto c = db_.Read();
    auto key = store::ApiKeyRepository(*c).FindActive(key_id);
    if (!key || !ConstantTimeEquals(key->secret_hash, Sha256Hex(secret))) return std::nullopt;
    std::lock_guard lock(mu_);
    if (verified_.size() >= 10'000) verified_.clear();  // bounded: a flood of keys only costs database reads
    verified_[token_hash] = {*key, now + kVerifyCacheTtl};
    return key;
}

bool ApiKeyService::Revoke(const std::string& key_id) {
    {
        std::lock_guard lock(mu_);
        verified_.clear();  // this node forgets at once; others within kVerifyCacheTtl
    }
    auto c = db_.Write();
    return store::ApiKeyRepository(*c).Revoke(key_id, core::ToMillis(clock_.Now()));
}

}  // namespace andel::app
