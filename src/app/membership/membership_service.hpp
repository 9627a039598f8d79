#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/market.hpp"
#include "core/result.hpp"
#include "store/database.hpp"
#include "store/membership/records.hpp"

namespace andel::app {

class TillCardCache;

struct ContactInput {
    std::optional<std::string> email, phone;
    std::string street, postal_code, city;
};

struct RegisterInput {
    std::string market;           // "dk" | "no" | "se"
    std::string kind = "member";  // "member" | "profile" (R_MEM_1)
    std::string national_id;
    std::string first_name, last_name;
    ContactInput contact;
    std::string home_store_code;   // the home store; its cooperative becomes the member's (R_MEM_6)
    int64_t share_paid_minor = 0;  // R_MEM_4
    std::optional<std::string> terms_version;  // accepted at registration (R_MEM_9)
    bool is_demo = false;
    std::optional<std::string> member_number;  // only for the demo member; otherwise allocated
};

struct ParticipantInput {
    // Either an existing member (by number) or a new person to register as a participant.
    std::optional<std::string> member_number;
    std::optional<RegisterInput> person;
};

// Everything about one member that the API shows.
struct MemberView {
    store::MemberRecord member;
    std::optional<store::StoreRecord> home_store;
    std::optional<store::CooperativeRecord> cooperative;
    std::optional<store::HouseholdRecord> household;
    std::vector<store::CardRecord> cards;
    std::optional<std::pair<std::string, int64_t>> accepted_terms;
    int age = 0;
    bool cooperative_member = false;
};

// What a till learns when it identifies a customer (R_CARD_2, R_CARD_3): no contact data.
struct TillIdentity {
    store::TillIdentityRecord member;
    bool may_earn = false;
    std::string identified_by;  // "card" | "member_number" | "national_id"
};

// Membership use cases: registration, households, cards, home store, address, cooperative moves, terms.
// Each write runs in one transaction; rules come from core; the caller passes who acts (for the event log).
class MembershipService {
  public:
    MembershipService(store::Database& db, const core::Clock& clock,
                      const std::map<std::string, core::MarketRules>& markets, std::string national_id_key)
        : db_(db), clock_(clock), markets_(markets), national_id_key_(std::move(national_id_key)) {}

    core::Result<MemberView> Register(const RegisterInput& in, const std::string& actor);
    core::Result<MemberView> Get(const std::string& member_number);
    core::Result<MemberView> GetById(int64_t member_id);
    core::Result<std::vector<store::MemberRecord>> Search(const std::string& query, int limit,
                                                          int64_t after_id);

    // By card the copy of till_cards in memory answers when one is set and can (`andel serve` sets one).
    void UseTillCache(TillCardCache* cache) { till_cache_ = cache; }
    core::Result<TillIdentity> IdentifyByCard(const std::string& card_number);
    core::Result<TillIdentity> IdentifyByMemberNumber(const std::string& member_number);
    core::Result<TillIdentity> IdentifyByNationalId(const std::string& market,
                                                    const std::string& national_id);

    // `reason` (up to 200 characters; the back office's pages require one) is audited on the owner, or on
    // the participant who leaves: the household's own events have no room for it.
    core::Result<MemberView> AddParticipant(const std::string& owner_number, const ParticipantInput& in,
                                            const std::string& actor, const std::string& reason = {});
    core::Result<MemberView> RemoveParticipant(const std::string& owner_number,
                                               const std::string& participant_number,
                                               const std::string& actor, const std::string& reason = {});
    core::Result<MemberView> LeaveHousehold(const std::string& participant_number, const std::string& actor,
                                            const std::string& reason = {});

    core::Result<store::CardRecord> BlockCard(const std::string& card_number, const std::string& reason,
                                              const std::string& actor);
    core::Result<store::CardRecord> ReplaceCard(const std::string& card_number, const std::string& reason,
                                                const std::string& actor);
    // `reason`, as for the changes below, is recorded in the event.
    core::Result<store::CardRecord> OrderCard(const std::string& member_number, const std::string& actor,
                                              const std::string& reason = {});
    // An ordered card arrives and is activated; the member's other cards stay as they are (R_CARD_1).
    core::Result<store::CardRecord> ActivateCard(const std::string& card_number, const std::string& actor);

    core::Result<MemberView> ChangeHomeStore(const std::string& member_number, const std::string& store_code,
                                             const std::string& actor, const std::string& reason = {});
    core::Result<MemberView> ChangeContact(const std::string& member_number, const ContactInput& contact,
                                           const std::string& actor, const std::string& reason = {});
    // R_MEM_8: the operator moves a membership to the cooperative of its new address; `reason` (up to 200
    // characters, the back office's pages require one) is recorded in the event.
    core::Result<MemberView> MoveCooperative(const std::string& member_number, const std::string& store_code,
                                             const std::string& actor, const std::string& reason = {});

    // R_MEM_3: a customer with a profile becomes a member at once, paying the share from the savings account
    // when it holds enough, or paying exactly the remainder (`pay_minor`) now. Savings above the share become
    // the new household's bonus. `home_store` is needed when the profile has none.
    core::Result<MemberView> ConvertProfile(int64_t customer_id, std::optional<int64_t> pay_minor,
                                            const std::optional<std::string>& home_store,
                                            const std::string& actor);

    core::Result<store::TermsRecord> PublishTerms(const store::TermsRecord& terms);
    core::Result<store::TermsRecord> LatestTerms(const std::string& market);
    core::Result<MemberView> AcceptTerms(const std::string& member_number, const std::string& version,
                                         const std::string& channel);

    // Hash of a normalised national id, keyed with the deployment's secret.
    std::string NationalIdHash(const std::string& normalized) const;

  private:
    const core::MarketRules* Market(const std::string& code) const;
    core::Result<int64_t> RegisterIn(store::Connection& c, const RegisterInput& in, bool as_participant,
                                     const std::string& actor);
    core::Result<MemberView> View(store::Connection& c, const store::MemberRecord& m);
    static core::Result<TillIdentity> Identity(std::optional<store::TillIdentityRecord> m,
                                               const std::string& by);

    store::Database& db_;
    const core::Clock& clock_;
    const std::map<std::string, core::MarketRules>& markets_;
    std::string national_id_key_;
    TillCardCache* till_cache_ = nullptr;
};

}  // namespace andel::app
