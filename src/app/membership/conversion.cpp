// R_MEM_3: converting a customer with a profile into a member, paying the share from savings.
#include "app/demo/generator.hpp"
#include "app/membership/membership_service.hpp"
#include "app/transaction.hpp"
#include "core/ledger/journal.hpp"
#include "core/membership/numbers.hpp"
#include "core/membership/rules.hpp"
#include "store/ledger/ledger_repository.hpp"
#include "store/membership/membership_repository.hpp"

namespace andel::app {

core::Result<MemberView> MembershipService::ConvertProfile(int64_t customer_id,
                                                           std::optional<int64_t> pay_minor,
                                                           const std::optional<std::string>& home_store,
                                                           const std::string& actor) {
    using core::Error;
    namespace kind = core::account_kind;
    return InTransaction(db_, [&](store::Connection& c) -> core::Result<MemberView> {
        store::MembershipRepository repo(c);
        store::LedgerRepository ledger(c);
        auto profile = repo.FindMember(customer_id);
        if (!profile) return Error::NotFound("no such customer");
        if (profile->kind != "profile") return Error::Conflict("this customer is already a member");
        if (profile->status != "active") return Error::Rule("R_LIFE_2", "the profile has ended");
        const core::MarketRules* rules = Market(profile->market);
        if (!rules) return Error::Invalid("the customer's market is not enabled");
        if (rules->profile_savings_rate_bp <= 0)
            return Error::Rule("R_MEM_3", "profiles in this market have no savings account to convert");

        auto now = clock_.Now();
        int64_t ms = core::ToMillis(now);
        core::Date birth;
        core::ParseDate(profile->person.birth_date, birth);
        // The age rule of joining (R_MEM_5); the share is paid below, so it is checked as paid.
        ANDEL_TRY(core::AcceptNewMember(birth, rules->share_minor, *rules, core::UtcDate(now)));

        std::optional<store::StoreRecord> store;
        if (home_store) {
            store = repo.FindStoreByCode(*home_store);
            if (!store) return Error::Invalid("no store with code " + *home_store, "home_store");
        } else if (profile->home_store_id) {
            store = repo.FindStore(*profile->home_store_id);
        }
        if (!store)
            return Error::Malformed("home_store is required: the profile has none (R_MEM_6)", "home_store");
        auto coop = repo.FindCooperative(store->cooperative_id);
        if (coop->market != profile->market)
            return Error::Invalid("the store is in another market", "home_store");

        core::AccountRef savings{kind::kSavings, "member", profile->id, rules->currency};
        auto held = ledger.FindAccount(savings);
        int64_t saved = held ? held->balance : 0;
        int64_t share = rules->share_minor;
        int64_t owed = std::max<int64_t>(0, share - saved);
        int64_t paid = pay_minor.value_or(0);
        if (paid != owed)
            return Error::Rule("R_MEM_3", owed == 0 ? "the savings hold the share: pay nothing"
                                                    : "the savings hold " + std::to_string(saved) +
                                                          "; pay exactly " + std::to_string(owed) +
                                                          " to become a member now");

        int64_t body = repo.ReserveSequence("member");
        if (body == kDemoMemberBody) body = repo.ReserveSequence("member");
        std::string number = core::MemberNumberFromBody(body);
        repo.MakeMember(profile->id, number, coop->id, store->id, share, ms);
        int64_t household = repo.InsertHousehold(profile->id, ms);
        repo.AddToHousehold(household, profile->id, "owner", ms);
        repo.AddHouseholdEvent(household, profile->id, "created", actor, ms);

        // The share is paid from the savings (and the payment, if any); what the savings held beyond the
        // share becomes the new household's bonus.
        core::JournalEntry entry;
        entry.source_kind = "conversion";
        entry.source_key = "member:" + std::to_string(profile->id);
        entry.description = "profile became member " + number;
        entry.actor = actor;
        entry.occurred_at = ms;
        core::AccountRef capital{kind::kShareCapital, "cooperative", coop->id, rules->currency};
        core::AccountRef bonus{kind::kHouseholdBonus, "household", household, rules->currency};
        core::AccountRef payments{kind::kMemberPayments, "operator", 0, rules->currency};
        auto add = [&](const core::AccountRef& a, int64_t amount) {
            if (amount != 0) entry.postings.push_back({a, amount, std::nullopt});
        };
        add(capital, share);
        add(savings, -saved);
        add(payments, -paid);
        add(bonus, saved - (share - paid));
        if (!entry.postings.empty()) {
            auto posted = ledger.Post(entry, ms);
            if (!posted) return posted.error();
        }
        repo.AddEvent(profile->id, "became_member",
                      "{\"member_number\":\"" + number + "\",\"paid_minor\":" + std::to_string(paid) +
                          ",\"from_savings_minor\":" + std::to_string(std::min(saved, share)) + "}",
                      actor, ms);
        return View(c, *repo.FindMember(profile->id));
    });
}

}  // namespace andel::app
