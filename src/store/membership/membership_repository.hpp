#pragma once
#include <optional>
#include <string>
#include <string_view>
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

// A bulk load of new members (andel generate), in the caller's transaction: ids are drawn ahead, rows are
// collected, and Flush writes them table by table in the order their references need, many rows to a
// statement. Rows are written as given: the caller makes them consistent (a till row per active card, every
// reference to a row of the same load or one that exists). A unique clash throws DbError; the caller's
// transaction then rolls back.
class MembershipBulkLoad {
  public:
    explicit MembershipBulkLoad(Connection& conn) : c_(conn) {}
    // `count` new ids of persons, members, cards or households, ascending. Draw each table once per
    // transaction and before Flush: on SQLite they follow the table's highest id, on PostgreSQL they come
    // from the identity's sequence (unused ones are gaps, as after a rollback).
    std::vector<int64_t> DrawIds(std::string_view table, int64_t count);
    void AddPerson(const PersonRecord& r, int64_t now);  // r.id drawn
    void AddMember(const MemberRecord& r);               // r.id drawn
    void AddCard(const CardRecord& r);                   // r.id drawn
    void AddHousehold(int64_t id, int64_t owner_member_id, int64_t now);
    void AddPlace(int64_t household_id, int64_t member_id, const std::string& role, int64_t now);
    void AddTillCard(const TillCardRecord& r, std::optional<int64_t> owner_member_id);
    // Writes what was added. till_cards' triggers are set aside while it does (the load writes the till
    // rows itself, from what it knows, instead of the triggers reading every row back from five tables),
    // then one change without a card tells copies in memory to read everything again, and the triggers are
    // put back, all in the caller's transaction: both engines change their schema in transactions, so a load
    // that fails leaves the triggers as they were. On PostgreSQL the tables stay locked against other
    // writers until the commit.
    void Flush();

  private:
    std::vector<std::string> SuspendTillCardTriggers();  // the statements that put them back
    void NoteTillCardsFilled();
    struct Table {
        std::string_view name, columns;
        int width;
        std::vector<Value> values;  // row after row
    };
    void Write(Table& t);
    Connection& c_;
    Table persons_{"persons",
                   "id, market, national_id_hash, first_name, last_name, name_key, birth_date, email, phone, "
                   "street, postal_code, city, created_at, updated_at",
                   14,
                   {}};
    Table members_{"members",
                   "id, person_id, member_number, kind, status, market, cooperative_id, home_store_id, "
                   "share_paid_minor, share_paid_at, new_login_at, is_demo, joined_at",
                   13,
                   {}};
    Table cards_{"cards",
                 "id, card_number, member_id, status, replaces_card_id, issued_at, status_changed_at, "
                 "status_reason",
                 8,
                 {}};
    Table households_{"households", "id, owner_member_id, created_at", 3, {}};
    Table places_{"household_members", "member_id, household_id, role, joined_at", 4, {}};
    Table till_cards_{
        "till_cards",
        "card_number, member_id, member_number, first_name, kind, status, market, household_id, "
        "household_role, owner_member_id, owner_member_number, household_size",
        12,
        {}};
};

}  // namespace andel::store
