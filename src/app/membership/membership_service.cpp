#include "app/membership/membership_service.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "app/crypto.hpp"
#include "app/demo/generator.hpp"
#include "app/membership/till_card_cache.hpp"
#include "app/transaction.hpp"
#include "core/membership/national_id.hpp"
#include "core/membership/numbers.hpp"
#include "core/membership/rules.hpp"
#include "store/access/account_repository.hpp"
#include "store/membership/membership_repository.hpp"

namespace andel::app {
namespace {

using core::Error;
using core::Result;
using store::MembershipRepository;

constexpr int kMaxNameLength = 100;
constexpr size_t kMaxReasonLength = 200;

core::MemberFacts Facts(const store::MemberRecord& m) {
    core::MemberFacts f;
    f.id = m.id;
    f.kind = m.kind == "profile" ? core::MemberKind::kProfile : core::MemberKind::kMember;
    f.status = m.status == "ended" ? core::MemberStatus::kEnded : core::MemberStatus::kActive;
    core::ParseDate(m.person.birth_date, f.birth_date);
    f.share_paid_minor = m.share_paid_minor;
    f.new_login_done = m.new_login_at.has_value();
    f.household_id = m.household_id;
    if (m.household_role)
        f.household_role =
            *m.household_role == "owner" ? core::HouseholdRole::kOwner : core::HouseholdRole::kParticipant;
    return f;
}

Result<void> CheckName(const std::string& value, const std::string& field) {
    if (value.empty()) return Error::Malformed(field + " is required", field);
    if (value.size() > kMaxNameLength) return Error::Malformed(field + " is too long", field);
    return core::Ok();
}

Result<void> CheckContact(const ContactInput& c) {
    if (c.email) {
        const auto& e = *c.email;
        auto at = e.find('@');
        if (e.size() > 254 || at == std::string::npos || at == 0 || e.find('.', at) == std::string::npos ||
            e.find(' ') != std::string::npos)
            return Error::Malformed("email is not an e-mail address", "email");
    }
    if (c.phone) {
        const auto& p = *c.phone;
        bool ok =
            p.size() >= 8 && p.size() <= 16 && p[0] == '+' && core::AllDigits(std::string_view(p).substr(1));
        if (!ok) return Error::Malformed("phone must be in international form, e.g. +4612345678", "phone");
    }
    if (c.street.size() > 200 || c.city.size() > 100 || c.postal_code.size() > 16)
        return Error::Malformed("address field too long", "address");
    return core::Ok();
}

// An event's detail; the staff's reason is added when there is one.
std::string Detail(std::initializer_list<std::pair<const char*, std::string>> kv,
                   const std::string& reason = {}) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, v] : kv) j[k] = v;
    if (!reason.empty()) j["reason"] = reason;
    return j.dump();
}

Result<void> CheckReason(const std::string& reason) {
    if (reason.size() > kMaxReasonLength) return Error::Malformed("reason is too long", "reason");
    return core::Ok();
}

}  // namespace

const core::MarketRules* MembershipService::Market(const std::string& code) const {
    auto it = markets_.find(code);
    return it == markets_.end() ? nullptr : &it->second;
}

std::string MembershipService::NationalIdHash(const std::string& normalized) const {
    return HmacSha256Hex(national_id_key_, normalized);
}

Result<int64_t> MembershipService::RegisterIn(store::Connection& c, const RegisterInput& in,
                                              bool as_participant, const std::string& actor) {
    const core::MarketRules* rules = Market(in.market);
    if (!rules) return Error::Invalid("unknown or disabled market: " + in.market, "market");
    if (in.kind != "member" && in.kind != "profile")
        return Error::Malformed("kind must be member or profile", "kind");
    ANDEL_TRY(CheckName(in.first_name, "first_name"));
    ANDEL_TRY(CheckName(in.last_name, "last_name"));
    ANDEL_TRY(CheckContact(in.contact));
    auto now = clock_.Now();
    auto today = core::UtcDate(now);
    auto id = core::ParseNationalId(in.market, in.national_id, today);
    if (!id) return id.error();
    std::string hash = NationalIdHash(id->normalized);

    MembershipRepository repo(c);
    ANDEL_TRY(core::AcceptOneMembershipPerPerson(repo.PersonExistsWithNationalIdHash(hash)));

    std::optional<store::StoreRecord> store;
    std::optional<store::CooperativeRecord> coop;
    if (!in.home_store_code.empty()) {
        store = repo.FindStoreByCode(in.home_store_code);
        if (!store) return Error::Invalid("no store with code " + in.home_store_code, "home_store");
        coop = repo.FindCooperative(store->cooperative_id);
        if (!coop || coop->market != in.market)
            return Error::Invalid("the home store is not in market " + in.market, "home_store");
    } else if (in.kind == "member") {
        return Error::Malformed("home_store is required for a member (R_MEM_6)", "home_store");
    }
    if (in.kind == "member" && !as_participant)
        ANDEL_TRY(core::AcceptNewMember(id->birth_date, in.share_paid_minor, *rules, today));

    int64_t ms = core::ToMillis(now);
    store::PersonRecord person;
    person.market = in.market;
    person.national_id_hash = hash;
    person.first_name = in.first_name;
    person.last_name = in.last_name;
    person.birth_date = core::FormatDate(id->birth_date);
    person.email = in.contact.email;
    person.phone = in.contact.phone;
    person.street = in.contact.street;
    person.postal_code = in.contact.postal_code;
    person.city = in.contact.city;
    auto person_id = repo.InsertPerson(person, ms);
    if (!person_id) return person_id.error();

    store::MemberRecord m;
    m.person_id = *person_id;
    m.kind = in.kind;
    m.status = "active";
    m.market = in.market;
    if (coop) m.cooperative_id = coop->id;
    if (store) m.home_store_id = store->id;
    m.share_paid_minor = in.share_paid_minor;
    if (in.share_paid_minor > 0) m.share_paid_at = ms;
    m.is_demo = in.is_demo;
    m.joined_at = ms;
    if (in.kind == "member") {
        if (in.member_number) {
            if (!core::IsValidMemberNumber(*in.member_number))
                return Error::Malformed("member_number has a wrong check digit", "member_number");
            m.member_number = *in.member_number;
        } else {
            int64_t body = repo.ReserveSequence("member");
            if (body == kDemoMemberBody) body = repo.ReserveSequence("member");  // reserved for R_MEM_10
            m.member_number = core::MemberNumberFromBody(body);
        }
    }
    auto member_id = repo.InsertMember(m);
    if (!member_id) return member_id.error();
    repo.AddEvent(*member_id, "registered", Detail({{"kind", in.kind}, {"market", in.market}}), actor, ms);

    // Every member gets a personal card (R_CARD_1); a customer with a profile gets the app's digital card
    // where profiles save when they shop (R_MEM_2), so the till can register their purchases.
    bool saves = in.kind == "profile" && rules->profile_savings_rate_bp > 0;
    if (in.kind == "member" || saves) {
        store::CardRecord card;
        card.card_number = core::CardNumberFromSerial(repo.ReserveSequence("card"));
        card.member_id = *member_id;
        card.status = "active";
        card.issued_at = ms;
        auto card_id = repo.InsertCard(card);
        if (!card_id) return card_id.error();
    }
    if (in.kind == "member") {
        // A cooperative member in their own right owns a household from the start (R_HH_1, R_HH_6).
        if (!as_participant && core::IsCooperativeMember(Facts(*repo.FindMember(*member_id)), *rules) &&
            core::AgeOn(id->birth_date, today) >= rules->owner_min_age) {
            int64_t household = repo.InsertHousehold(*member_id, ms);
            repo.AddToHousehold(household, *member_id, "owner", ms);
            repo.AddHouseholdEvent(household, *member_id, "created", actor, ms);
        }
    }
    if (in.terms_version) {
        auto terms = repo.FindTerms(in.market, *in.terms_version);
        if (!terms) return Error::Invalid("no terms version " + *in.terms_version, "terms_version");
        repo.AcceptTerms(*member_id, terms->id, "registration", ms);
    }
    return *member_id;
}

Result<MemberView> MembershipService::View(store::Connection& c, const store::MemberRecord& m) {
    MembershipRepository repo(c);
    MemberView v;
    v.member = m;
    if (m.home_store_id) v.home_store = repo.FindStore(*m.home_store_id);
    if (m.cooperative_id) v.cooperative = repo.FindCooperative(*m.cooperative_id);
    if (m.household_id) v.household = repo.FindHousehold(*m.household_id);
    v.cards = repo.ListCards(m.id);
    v.accepted_terms = repo.AcceptedTerms(m.id);
    core::Date birth;
    if (core::ParseDate(m.person.birth_date, birth)) v.age = core::AgeOn(birth, core::UtcDate(clock_.Now()));
    if (const auto* rules = Market(m.market))
        v.cooperative_member = core::IsCooperativeMember(Facts(m), *rules);
    return v;
}

Result<MemberView> MembershipService::Register(const RegisterInput& in, const std::string& actor) {
    return InTransaction(db_, [&](store::Connection& c) -> Result<MemberView> {
        auto id = RegisterIn(c, in, false, actor);
        if (!id) return id.error();
        return View(c, *MembershipRepository(c).FindMember(*id));
    });
}

Result<MemberView> MembershipService::Get(const std::string& member_number) {
    if (!core::IsValidMemberNumber(member_number))
        return Error::Malformed("a member number has 8 digits with a valid check digit", "member_number");
    auto c = db_.Read();
    auto m = MembershipRepository(*c).FindMemberByNumber(member_number);
    if (!m) return Error::NotFound("no member with that number");
    return View(*c, *m);
}

Result<MemberView> MembershipService::GetById(int64_t member_id) {
    auto c = db_.Read();
    auto m = MembershipRepository(*c).FindMember(member_id);
    if (!m) return Error::NotFound("no such member");
    return View(*c, *m);
}

Result<std::vector<store::MemberRecord>> MembershipService::Search(const std::string& query, int limit,
                                                                   int64_t after_id) {
    if (query.size() < 2 || query.size() > 100) return Error::Malformed("q must be 2 to 100 characters", "q");
    if (limit < 1 || limit > 100) return Error::Malformed("limit must be 1 to 100", "limit");
    auto c = db_.Read();
    return MembershipRepository(*c).SearchMembers(query, limit, after_id);
}

Result<TillIdentity> MembershipService::Identity(std::optional<store::TillIdentityRecord> m,
                                                 const std::string& by) {
    if (!m) return Error::NotFound("no member found");
    TillIdentity t;
    t.identified_by = by;
    // R_CARD_3: earning depends on the membership, not on the state of any digital login.
    t.may_earn = m->status == "active" && m->household_id.has_value();
    t.member = std::move(*m);
    return t;
}

Result<TillIdentity> MembershipService::IdentifyByCard(const std::string& card_number) {
    if (!core::IsValidCardNumber(card_number))
        return Error::Malformed("a card number has 16 digits with a valid check digit", "card");
    if (till_cache_) {
        int64_t key = 0;
        std::from_chars(card_number.data(), card_number.data() + card_number.size(), key);  // 16 digits
        store::TillIdentityRecord found;
        switch (till_cache_->Find(key, found)) {
            case TillCardTable::Found::kYes:
                return Identity(std::move(found), "card");
            case TillCardTable::Found::kNo:
                return Identity(std::nullopt, "card");
            case TillCardTable::Found::kAskDatabase:
                break;
        }
    }
    auto c = db_.Read();
    return Identity(
        MembershipRepository(*c).FindTillIdentity(MembershipRepository::IdentifyBy::kCard, card_number),
        "card");
}

Result<TillIdentity> MembershipService::IdentifyByMemberNumber(const std::string& member_number) {
    if (!core::IsValidMemberNumber(member_number))
        return Error::Malformed("a member number has 8 digits with a valid check digit", "member_number");
    auto c = db_.Read();
    return Identity(MembershipRepository(*c).FindTillIdentity(MembershipRepository::IdentifyBy::kMemberNumber,
                                                              member_number),
                    "member_number");
}

Result<TillIdentity> MembershipService::IdentifyByNationalId(const std::string& market,
                                                             const std::string& national_id) {
    if (!Market(market)) return Error::Invalid("unknown or disabled market: " + market, "market");
    auto id = core::ParseNationalId(market, national_id, core::UtcDate(clock_.Now()));
    if (!id) return id.error();
    auto c = db_.Read();
    return Identity(MembershipRepository(*c).FindTillIdentity(
                        MembershipRepository::IdentifyBy::kNationalIdHash, NationalIdHash(id->normalized)),
                    "national_id");
}

Result<MemberView> MembershipService::AddParticipant(const std::string& owner_number,
                                                     const ParticipantInput& in, const std::string& actor,
                                                     const std::string& reason) {
    if (in.member_number.has_value() == in.person.has_value())
        return Error::Malformed("give either member_number or person", "participant");
    ANDEL_TRY(CheckReason(reason));
    return InTransaction(db_, [&](store::Connection& c) -> Result<MemberView> {
        MembershipRepository repo(c);
        auto owner = repo.FindMemberByNumber(owner_number);
        if (!owner) return Error::NotFound("no member with that number");
        const auto* rules = Market(owner->market);
        if (!rules) return Error::Invalid("the member's market is not enabled");
        if (!owner->household_id) return Error::Rule("R_HH_5", "the member owns no household");
        int participants = repo.CountParticipants(*owner->household_id);
        auto today = core::UtcDate(clock_.Now());
        int64_t ms = core::ToMillis(clock_.Now());
        int64_t candidate_id = 0;
        if (in.member_number) {
            auto candidate = repo.FindMemberByNumber(*in.member_number);
            if (!candidate) return Error::NotFound("no member with number " + *in.member_number);
            if (candidate->market != owner->market)
                return Error::Invalid("the participant must belong to the same market", "member_number");
            ANDEL_TRY(core::AcceptParticipant(Facts(*owner), participants, Facts(*candidate), *rules, today));
            candidate_id = candidate->id;
        } else {
            RegisterInput person = *in.person;
            person.market = owner->market;
            person.kind = "member";
            // The new participant's age and the household's limits are checked before anyone is registered.
            auto id = core::ParseNationalId(person.market, person.national_id, today);
            if (!id) return id.error();
            core::MemberFacts candidate;
            candidate.birth_date = id->birth_date;
            ANDEL_TRY(core::AcceptParticipant(Facts(*owner), participants, candidate, *rules, today));
            if (person.home_store_code.empty() && owner->home_store_id)
                person.home_store_code = repo.FindStore(*owner->home_store_id)->code;
            auto registered = RegisterIn(c, person, true, actor);
            if (!registered) return registered.error();
            candidate_id = *registered;
        }
        repo.AddToHousehold(*owner->household_id, candidate_id, "participant", ms);
        repo.AddHouseholdEvent(*owner->household_id, candidate_id, "added", actor, ms);
        if (!reason.empty())
            store::AccountRepository(c).Audit(actor, "household_participant_added", owner->id,
                                              "reason=" + reason, ms);
        return View(c, *repo.FindMember(owner->id));
    });
}

Result<MemberView> MembershipService::RemoveParticipant(const std::string& owner_number,
                                                        const std::string& participant_number,
                                                        const std::string& actor, const std::string& reason) {
    ANDEL_TRY(CheckReason(reason));
    return InTransaction(db_, [&](store::Connection& c) -> Result<MemberView> {
        MembershipRepository repo(c);
        auto owner = repo.FindMemberByNumber(owner_number);
        if (!owner) return Error::NotFound("no member with that number");
        auto participant = repo.FindMemberByNumber(participant_number);
        if (!participant) return Error::NotFound("no member with number " + participant_number);
        ANDEL_TRY(core::AcceptRemoval(Facts(*owner), Facts(*participant)));
        int64_t ms = core::ToMillis(clock_.Now());
        repo.RemoveFromHousehold(participant->id);
        // R_HH_7: the household's points stay with the household; nothing moves with the participant.
        repo.AddHouseholdEvent(*owner->household_id, participant->id, "removed", actor, ms);
        if (!reason.empty())
            store::AccountRepository(c).Audit(actor, "household_participant_removed", owner->id,
                                              "reason=" + reason, ms);
        return View(c, *repo.FindMember(owner->id));
    });
}

Result<MemberView> MembershipService::LeaveHousehold(const std::string& participant_number,
                                                     const std::string& actor, const std::string& reason) {
    ANDEL_TRY(CheckReason(reason));
    return InTransaction(db_, [&](store::Connection& c) -> Result<MemberView> {
        MembershipRepository repo(c);
        auto participant = repo.FindMemberByNumber(participant_number);
        if (!participant) return Error::NotFound("no member with that number");
        ANDEL_TRY(core::AcceptLeaving(Facts(*participant)));
        int64_t ms = core::ToMillis(clock_.Now());
        repo.RemoveFromHousehold(participant->id);
        repo.AddHouseholdEvent(*participant->household_id, participant->id, "left", actor, ms);
        if (!reason.empty())
            store::AccountRepository(c).Audit(actor, "household_left", participant->id, "reason=" + reason,
                                              ms);
        return View(c, *repo.FindMember(participant->id));
    });
}

Result<store::CardRecord> MembershipService::BlockCard(const std::string& card_number,
                                                       const std::string& reason, const std::string& actor) {
    if (reason.size() > 200) return Error::Malformed("reason is too long", "reason");
    return InTransaction(db_, [&](store::Connection& c) -> Result<store::CardRecord> {
        MembershipRepository repo(c);
        auto card = repo.FindCard(card_number);
        if (!card) return Error::NotFound("no such card");
        if (card->status != "active" && card->status != "ordered")
            return Error::Conflict("the card is already " + card->status);
        int64_t ms = core::ToMillis(clock_.Now());
        repo.SetCardStatus(card->id, "blocked", reason, ms);
        repo.AddEvent(card->member_id, "card_blocked", Detail({{"card", card_number}, {"reason", reason}}),
                      actor, ms);
        return *repo.FindCard(card_number);
    });
}

Result<store::CardRecord> MembershipService::ReplaceCard(const std::string& card_number,
                                                         const std::string& reason,
                                                         const std::string& actor) {
    if (reason.size() > 200) return Error::Malformed("reason is too long", "reason");
    return InTransaction(db_, [&](store::Connection& c) -> Result<store::CardRecord> {
        MembershipRepository repo(c);
        auto card = repo.FindCard(card_number);
        if (!card) return Error::NotFound("no such card");
        if (card->status == "replaced" || card->status == "revoked")
            return Error::Conflict("the card is already " + card->status);
        auto member = repo.FindMember(card->member_id);
        if (member->status != "active") return Error::Rule("R_LIFE_2", "the membership has ended");
        int64_t ms = core::ToMillis(clock_.Now());
        repo.SetCardStatus(card->id, "replaced", reason, ms);
        store::CardRecord fresh;
        fresh.card_number = core::CardNumberFromSerial(repo.ReserveSequence("card"));
        fresh.member_id = card->member_id;
        fresh.status = "active";
        fresh.replaces_card_id = card->id;
        fresh.issued_at = ms;
        auto id = repo.InsertCard(fresh);
        if (!id) return id.error();
        repo.AddEvent(card->member_id, "card_replaced",
                      Detail({{"card", card_number}, {"new_card", fresh.card_number}, {"reason", reason}}),
                      actor, ms);
        return *repo.FindCard(fresh.card_number);
    });
}

Result<store::CardRecord> MembershipService::OrderCard(const std::string& member_number,
                                                       const std::string& actor, const std::string& reason) {
    ANDEL_TRY(CheckReason(reason));
    return InTransaction(db_, [&](store::Connection& c) -> Result<store::CardRecord> {
        MembershipRepository repo(c);
        auto member = repo.FindMemberByNumber(member_number);
        if (!member) return Error::NotFound("no member with that number");
        if (member->status != "active") return Error::Rule("R_LIFE_2", "the membership has ended");
        if (member->kind != "member") return Error::Rule("R_CARD_1", "cards are issued to members only");
        int ordered = 0;
        for (const auto& card : repo.ListCards(member->id)) ordered += card.status == "ordered";
        if (ordered > 0) return Error::Conflict("a new card is already on its way");
        int64_t ms = core::ToMillis(clock_.Now());
        // R_MEM_7: an ordered card is sent to the registered address; it becomes active when first used
        // or activated, and the member's current card keeps working meanwhile.
        store::CardRecord fresh;
        fresh.card_number = core::CardNumberFromSerial(repo.ReserveSequence("card"));
        fresh.member_id = member->id;
        fresh.status = "ordered";
        fresh.issued_at = ms;
        auto id = repo.InsertCard(fresh);
        if (!id) return id.error();
        repo.AddEvent(member->id, "card_ordered", Detail({{"card", fresh.card_number}}, reason), actor, ms);
        return *repo.FindCard(fresh.card_number);
    });
}

Result<store::CardRecord> MembershipService::ActivateCard(const std::string& card_number,
                                                          const std::string& actor) {
    if (!core::IsValidCardNumber(card_number))
        return Error::Malformed("a card number has 16 digits with a valid check digit", "card_number");
    return InTransaction(db_, [&](store::Connection& c) -> Result<store::CardRecord> {
        MembershipRepository repo(c);
        auto card = repo.FindCard(card_number);
        if (!card) return Error::NotFound("no such card");
        if (card->status != "ordered")
            return Error::Conflict("only an ordered card can be activated; it is " + card->status);
        auto member = repo.FindMember(card->member_id);
        if (member->status != "active") return Error::Rule("R_LIFE_2", "the membership has ended");
        int64_t ms = core::ToMillis(clock_.Now());
        repo.SetCardStatus(card->id, "active", "", ms);
        repo.AddEvent(card->member_id, "card_activated", Detail({{"card", card_number}}), actor, ms);
        return *repo.FindCard(card_number);
    });
}

Result<MemberView> MembershipService::ChangeHomeStore(const std::string& member_number,
                                                      const std::string& store_code, const std::string& actor,
                                                      const std::string& reason) {
    ANDEL_TRY(CheckReason(reason));
    return InTransaction(db_, [&](store::Connection& c) -> Result<MemberView> {
        MembershipRepository repo(c);
        auto member = repo.FindMemberByNumber(member_number);
        if (!member) return Error::NotFound("no member with that number");
        auto store = repo.FindStoreByCode(store_code);
        if (!store) return Error::Invalid("no store with code " + store_code, "home_store");
        auto coop = repo.FindCooperative(store->cooperative_id);
        if (coop->market != member->market)
            return Error::Invalid("the store is in another market", "home_store");
        // R_MEM_6: the home store can be changed at any time. R_MEM_8: the cooperative follows the address,
        // not the home store, so a home store in another cooperative leaves the membership where it is.
        int64_t ms = core::ToMillis(clock_.Now());
        repo.UpdateHomeStore(member->id, store->id);
        repo.AddEvent(member->id, "home_store_changed", Detail({{"store", store_code}}, reason), actor, ms);
        return View(c, *repo.FindMember(member->id));
    });
}

Result<MemberView> MembershipService::ChangeContact(const std::string& member_number,
                                                    const ContactInput& contact, const std::string& actor,
                                                    const std::string& reason) {
    ANDEL_TRY(CheckContact(contact));
    ANDEL_TRY(CheckReason(reason));
    return InTransaction(db_, [&](store::Connection& c) -> Result<MemberView> {
        MembershipRepository repo(c);
        auto member = repo.FindMemberByNumber(member_number);
        if (!member) return Error::NotFound("no member with that number");
        if (member->is_demo)
            return Error::Rule("R_MEM_10", "the demo member's contact data cannot be changed");
        store::PersonRecord p = member->person;
        p.email = contact.email;
        p.phone = contact.phone;
        p.street = contact.street;
        p.postal_code = contact.postal_code;
        p.city = contact.city;
        int64_t ms = core::ToMillis(clock_.Now());
        ANDEL_TRY(repo.UpdatePersonContact(p, ms));
        // The event says what changed, not the new values: personal data stays in one place.
        repo.AddEvent(member->id, "contact_changed", Detail({}, reason), actor, ms);
        return View(c, *repo.FindMember(member->id));
    });
}

Result<MemberView> MembershipService::MoveCooperative(const std::string& member_number,
                                                      const std::string& store_code, const std::string& actor,
                                                      const std::string& reason) {
    if (reason.size() > 200) return Error::Malformed("reason is too long", "reason");
    return InTransaction(db_, [&](store::Connection& c) -> Result<MemberView> {
        MembershipRepository repo(c);
        auto member = repo.FindMemberByNumber(member_number);
        if (!member) return Error::NotFound("no member with that number");
        if (member->status != "active") return Error::Rule("R_LIFE_2", "the membership has ended");
        auto store = repo.FindStoreByCode(store_code);
        if (!store) return Error::Invalid("no store with code " + store_code, "home_store");
        auto coop = repo.FindCooperative(store->cooperative_id);
        if (coop->market != member->market)
            return Error::Rule("R_MEM_8", "a membership moves only between cooperatives of its market");
        if (member->cooperative_id == coop->id)
            return Error::Rule("R_MEM_8", "the member already belongs to that cooperative");
        int64_t ms = core::ToMillis(clock_.Now());
        std::string from = member->cooperative_id ? repo.FindCooperative(*member->cooperative_id)->code : "";
        repo.UpdateCooperative(member->id, coop->id, store->id);
        repo.AddEvent(
            member->id, "cooperative_moved",
            reason.empty()
                ? Detail({{"from", from}, {"to", coop->code}, {"home_store", store_code}})
                : Detail(
                      {{"from", from}, {"to", coop->code}, {"home_store", store_code}, {"reason", reason}}),
            actor, ms);
        return View(c, *repo.FindMember(member->id));
    });
}

Result<store::TermsRecord> MembershipService::PublishTerms(const store::TermsRecord& terms) {
    if (!Market(terms.market)) return Error::Invalid("unknown or disabled market: " + terms.market, "market");
    if (terms.version.empty() || terms.version.size() > 32)
        return Error::Malformed("version is 1 to 32 characters", "version");
    if (terms.summary.empty() || terms.summary.size() > 2000)
        return Error::Malformed("summary is 1 to 2000 characters", "summary");
    if (terms.body.size() > 100'000) return Error::Malformed("body is at most 100 000 characters", "body");
    return InTransaction(db_, [&](store::Connection& c) -> Result<store::TermsRecord> {
        MembershipRepository repo(c);
        store::TermsRecord t = terms;
        t.published_at = core::ToMillis(clock_.Now());
        // Only a major change of terms members have is told (R_MEM_9): a minor one, or a market's first
        // terms, has no notice to send.
        t.notified_at.reset();
        if (!t.major || !repo.LatestTerms(t.market)) t.notified_at = t.published_at;
        auto id = repo.InsertTerms(t);
        if (!id) return id.error();
        t.id = *id;
        return t;
    });
}

Result<store::TermsRecord> MembershipService::LatestTerms(const std::string& market) {
    if (!Market(market)) return Error::NotFound("unknown or disabled market: " + market);
    auto c = db_.Read();
    auto terms = MembershipRepository(*c).LatestTerms(market);
    if (!terms) return Error::NotFound("no terms are published for " + market);
    return *terms;
}

Result<MemberView> MembershipService::AcceptTerms(const std::string& member_number,
                                                  const std::string& version, const std::string& channel) {
    return InTransaction(db_, [&](store::Connection& c) -> Result<MemberView> {
        MembershipRepository repo(c);
        auto member = repo.FindMemberByNumber(member_number);
        if (!member) return Error::NotFound("no member with that number");
        auto terms = repo.FindTerms(member->market, version);
        if (!terms) return Error::NotFound("no terms version " + version);
        auto latest = repo.LatestTerms(member->market);
        if (latest && latest->id != terms->id)
            return Error::Rule("R_MEM_9",
                               "only the latest published terms (" + latest->version + ") can be accepted");
        repo.AcceptTerms(member->id, terms->id, channel, core::ToMillis(clock_.Now()));
        return View(c, *repo.FindMember(member->id));
    });
}

}  // namespace andel::app
