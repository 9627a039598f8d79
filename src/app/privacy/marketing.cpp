#include "app/privacy/marketing.hpp"

#include "app/transaction.hpp"
#include "store/access/account_repository.hpp"

namespace andel::app {

bool MarketingAllowedOn(const store::MarketingChoices& c, const std::string& channel) {
    if (c.ad_block) return false;  // reklamspärr: no addressed advertising at all
    if (channel == "email") return c.email;
    if (channel == "sms") return c.sms;
    if (channel == "inapp") return c.app;
    return false;  // a channel the member cannot object to is not used for marketing
}

core::Result<store::MarketingChoices> MarketingChoicesService::Get(int64_t member_id) {
    auto c = db_.Read();
    return store::MarketingRepository(*c).Find(member_id);
}

core::Result<store::MarketingChoices> MarketingChoicesService::Set(int64_t member_id,
                                                                   const store::MarketingChoices& choices,
                                                                   const std::string& actor, bool by_staff) {
    return InTransaction(db_, [&](store::Connection& c) -> core::Result<store::MarketingChoices> {
        int64_t now = core::ToMillis(clock_.Now());
        store::MarketingRepository repo(c);
        repo.Save(member_id, choices, now, actor);
        if (by_staff) {
            std::string detail =
                "email=" + std::to_string(choices.email) + " sms=" + std::to_string(choices.sms) +
                " post=" + std::to_string(choices.post) + " app=" + std::to_string(choices.app) +
                " ad_block=" + std::to_string(choices.ad_block);
            store::AccountRepository(c).Audit(actor, "set_marketing_choices", member_id, detail, now);
        }
        return repo.Find(member_id);
    });
}

notify::Dispatcher::MarketingAllowed MarketingChoicesService::Gate() {
    return [this](int64_t member_id, const std::string& channel) {
        auto c = db_.Read();
        return MarketingAllowedOn(store::MarketingRepository(*c).Find(member_id), channel);
    };
}

}  // namespace andel::app
