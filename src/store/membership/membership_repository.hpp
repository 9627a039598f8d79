#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/database.hpp"
#include "store/membership/records.hpp"

namespace andel::store {

// Persistence of membership, written once in SQL both engines accept. Functions take the connection
// (or transaction) they run on; the caller in src/app owns the transaction. Unique-key clashes come back
// as core::Error Conflict naming what clashed.
class MembershipRepository {
  public:
    explicit MembershipRepository(Connection& conn) : c_(conn) {}

    // Cooperatives and stores
    int64_t InsertCooperative(const CooperativeRecord& r, int64_t now);
    std::vector<CooperativeRecord> ListCooperatives(const std::string& market);  // "" = all
    std::optional<CooperativeRecord> FindCooperative(int64_t id);
    std::optional<CooperativeRecord> FindCooperativeByCode(const std::string& code);
    int64_t InsertStore(const StoreRecord& r, int64_t now);
    std::vector<StoreRecord> ListStores(std::optional<int64_t> cooperative_id);
    std::optional<StoreRecord> FindStore(int64_t id);
    std::optional<StoreRecord> FindStoreByCode(const std::string& code);
    // The market of a store (its cooperative's).
    std::optional<std::string> StoreMarket(int64_t store_id);

    // Numbers: reserves `count` consecutive values of a sequence and returns the first.
    int64_t ReserveSequence(const std::string& name, int64_t count = 1);

    // Persons and members
    core::Result<int64_t> InsertPerson(const PersonRecord& r, int64_t now);
    core::Result<int64_t> InsertMember(const MemberRecord& r);
    std::optional<MemberRecord> FindMember(int64_t id);
    std::optional<MemberRecord> FindMemberByNumber(const std::string& member_number);
    std::optional<MemberRecord> FindMemberByCard(const std::string& card_number);  // active cards only
    std::optional<MemberRecord> FindMemberByNationalIdHash(const std::string& hash);
    bool PersonExistsWithNationalIdHash(const std::string& hash);
    // The till's view of a member, by an active card, a member number, or a national id hash.
    enum class IdentifyBy { kCard, kMemberNumber, kNationalIdHash };
    std::optional<TillIdentityRecord> FindTillIdentity(IdentifyBy by, const std::string& value);
    // By an active card or a member number.
    std::optional<EarnerRecord> FindEarner(IdentifyBy by, const std::string& value);
    // A bulk load (andel generate) sets till_cards' triggers aside for the rest of its transaction, writes
    // the rows of the members it added in one statement, then puts the triggers back, all before it commits
    // (both engines change their schema in transactions: a load that fails leaves the triggers as they were).
    // On PostgreSQL the tables stay locked against other writers until the commit.
    // Suspend returns the statements that Resume runs to put the triggers back.
    std::vector<std::string> SuspendTillCardTriggers();
    void FillTillCards(int64_t from_member_id);  // the active cards of members with id >= from_member_id
    void ResumeTillCardTriggers(const std::vector<std::string>& suspended);
    // For copies of till_cards in memory (app/membership/till_card_cache.hpp): the table in card order, a
    // page at a time; the changes after a seq, oldest first, each with the card's row as it is now, and how
    // far changes were pruned (one statement: one snapshot); the newest seq written or pruned.
    std::vector<TillCardRecord> TillCardsAfter(int64_t after_card_number, int limit);
    TillCardChanges TillCardChangesAfter(int64_t after_seq, int limit);
    int64_t TillCardChangesHead();
    // Deletes the changes written before `before_ms` (the database's clock) and moves pruned_through past
    // them; returns how many went. Run it in a write transaction.
    int64_t PruneTillCardChanges(int64_t before_ms);
    // Back-office search: exact member number, card number, e-mail or phone; or a name prefix.
    std::vector<MemberRecord> SearchMembers(const std::string& query, int limit, int64_t after_id);
    core::Result<void> UpdatePersonContact(const PersonRecord& r, int64_t now);
    void UpdateHomeStore(int64_t member_id, int64_t store_id);
    void UpdateCooperative(int64_t member_id, int64_t cooperative_id, int64_t home_store_id);
    void RecordShare(int64_t member_id, int64_t share_minor, int64_t now);
    // A customer with a profile becomes a member (R_MEM_3): number, cooperative, home store, share.
    void MakeMember(int64_t member_id, const std::string& member_number, int64_t cooperative_id,
                    int64_t home_store_id, int64_t share_minor, int64_t now);
    void AddEvent(int64_t member_id, const std::string& kind, const std::string& detail,
                  const std::string& actor, int64_t now);
    std::vector<MemberEventRecord> ListEvents(int64_t member_id, int limit);

    // Households
    int64_t InsertHousehold(int64_t owner_member_id, int64_t now);
    void AddToHousehold(int64_t household_id, int64_t member_id, const std::string& role, int64_t now);
    void RemoveFromHousehold(int64_t member_id);
    void AddHouseholdEvent(int64_t household_id, int64_t member_id, const std::string& kind,
                           const std::string& actor, int64_t now);
    std::optional<HouseholdRecord> FindHousehold(int64_t household_id);
    int CountParticipants(int64_t household_id);

    // Cards
    core::Result<int64_t> InsertCard(const CardRecord& r);
    std::vector<CardRecord> ListCards(int64_t member_id);
    std::optional<CardRecord> FindCard(const std::string& card_number);
    void SetCardStatus(int64_t card_id, const std::string& status, const std::string& reason, int64_t now);

    // Terms (R_MEM_9)
    core::Result<int64_t> InsertTerms(const TermsRecord& r);
    std::optional<TermsRecord> LatestTerms(const std::string& market);
    std::optional<TermsRecord> FindTerms(const std::string& market, const std::string& version);
    void AcceptTerms(int64_t member_id, int64_t terms_id, const std::string& channel, int64_t now);
    std::optional<std::pair<std::string, int64_t>> AcceptedTerms(int64_t member_id);  // latest: version, when

  private:
    Connection& c_;
};

}  // namespace andel::store
