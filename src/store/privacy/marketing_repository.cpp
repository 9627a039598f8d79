#include "store/privacy/marketing_repository.hpp"

namespace andel::store {

MarketingChoices MarketingRepository::Find(int64_t member_id) {
    auto r = c_.QueryOne(
        "SELECT email, sms, post, app, ad_block, updated_at, updated_by FROM marketing_choices WHERE "
        "member_id = $1",
        {Int(member_id)});
    if (!r) return {};
    return {r->Bool(0), r->Bool(1), r->Bool(2), r->Bool(3), r->Bool(4), r->Int(5), r->Text(6)};
}

void MarketingRepository::Save(int64_t member_id, const MarketingChoices& m, int64_t now,
                               const std::string& actor) {
    c_.Execute(
        "INSERT INTO marketing_choices (member_id, email, sms, post, app, ad_block, updated_at, updated_by) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (member_id) DO UPDATE SET email = $2, sms = $3, "
        "post = $4, app = $5, ad_block = $6, updated_at = $7, updated_by = $8",
        {Int(member_id), Int(m.email), Int(m.sms), Int(m.post), Int(m.app), Int(m.ad_block), Int(now),
         Text(actor)});
}

}  // namespace andel::store
