#include "store/membership/membership_repository.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>

namespace andel::store {
namespace {

constexpr std::string_view kMemberSelect =
    "SELECT m.id, m.person_id, m.member_number, m.kind, m.status, m.market, m.cooperative_id, "
    "m.home_store_id, "
    "m.share_paid_minor, m.share_paid_at, m.new_login_at, m.is_demo, m.joined_at, m.ended_at, "
    "hm.household_id, "
    "hm.role, m.version, p.national_id_hash, p.first_name, p.last_name, p.birth_date, p.email, p.phone, "
    "p.street, p.postal_code, p.city, p.market "
    "FROM members m JOIN persons p ON p.id = m.person_id "
    "LEFT JOIN household_members hm ON hm.member_id = m.id ";

std::string MemberSql(std::string_view where) { return std::string(kMemberSelect) + std::string(where); }

MemberRecord ToMember(const Row& r) {
    MemberRecord m;
    m.id = r.Int(0);
    m.person_id = r.Int(1);
    m.member_number = r.OptText(2);
    m.kind = r.Text(3);
    m.status = r.Text(4);
    m.market = r.Text(5);
    m.cooperative_id = r.OptInt(6);
    m.home_store_id = r.OptInt(7);
    m.share_paid_minor = r.Int(8);
    m.share_paid_at = r.OptInt(9);
    m.new_login_at = r.OptInt(10);
    m.is_demo = r.Bool(11);
    m.joined_at = r.Int(12);
    m.ended_at = r.OptInt(13);
    m.household_id = r.OptInt(14);
    m.household_role = r.OptText(15);
    m.version = r.Int(16);
    m.person.id = m.person_id;
    m.person.national_id_hash = r.OptText(17);
    m.person.first_name = r.Text(18);
    m.person.last_name = r.Text(19);
    m.person.birth_date = r.Text(20);
    m.person.email = r.OptText(21);
    m.person.phone = r.OptText(22);
    m.person.street = r.Text(23);
    m.person.postal_code = r.Text(24);
    m.person.city = r.Text(25);
    m.person.market = r.Text(26);
    return m;
}

CardRecord ToCard(const Row& r) {
    return CardRecord{r.Int(0), r.Text(1), r.Int(2), r.Text(3), r.OptInt(4), r.Int(5), r.Int(6), r.Text(7)};
}
constexpr std::string_view kCardSelect =
    "SELECT id, card_number, member_id, status, replaces_card_id, issued_at, status_changed_at, "
    "status_reason "
    "FROM cards ";

std::string NameKey(const std::string& last, const std::string& first) {
    std::string k = last + " " + first;
    for (auto& ch : k)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    return k;
}

// Whether a unique violation was on table.column: SQLite names it "table.column", PostgreSQL the default
// constraint "table_column_key". (Not a bare column name: the PostgreSQL adapter appends the statement's
// text, which names every column.)
bool ClashedOn(const DbError& e, const std::string& table, const std::string& column) {
    std::string_view what = e.what();
    return what.find(table + "." + column) != std::string_view::npos ||
           what.find(table + "_" + column + "_key") != std::string_view::npos;
}

// What a unique violation on persons clashed with, from the driver text (which itself never reaches a
// client). A clash on the e-mail or phone names the field, so a form can say so next to it.
core::Error PersonConflict(const DbError& e) {
    auto on = [](std::string detail, std::string field) {
        core::Error clash = core::Error::Conflict(std::move(detail));
        clash.field = std::move(field);
        return clash;
    };
    if (ClashedOn(e, "persons", "email")) return on("the e-mail address is already registered", "email");
    if (ClashedOn(e, "persons", "phone")) return on("the phone number is already registered", "phone");
    return core::Error::Rule("R_MEM_5", "this person is already registered (one membership per person)");
}

}  // namespace

int64_t MembershipRepository::InsertCooperative(const CooperativeRecord& r, int64_t now) {
    return c_
        .QueryOne(
            "INSERT INTO cooperatives (market, code, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            {Text(r.market), Text(r.code), Text(r.name), Int(now)})
        ->Int(0);
}

std::vector<CooperativeRecord> MembershipRepository::ListCooperatives(const std::string& market) {
    std::vector<CooperativeRecord> out;
    for (const auto& r :
         c_.Query("SELECT id, market, code, name FROM cooperatives WHERE $1 = '' OR market = $1 "
                  "ORDER BY market, code",
                  {Text(market)}))
        out.push_back({r.Int(0), r.Text(1), r.Text(2), r.Text(3)});
    return out;
}

std::optional<CooperativeRecord> MembershipRepository::FindCooperative(int64_t id) {
    auto r = c_.QueryOne("SELECT id, market, code, name FROM cooperatives WHERE id = $1", {Int(id)});
    if (!r) return std::nullopt;
    return CooperativeRecord{r->Int(0), r->Text(1), r->Text(2), r->Text(3)};
}

std::optional<CooperativeRecord> MembershipRepository::FindCooperativeByCode(const std::string& code) {
    auto r = c_.QueryOne("SELECT id, market, code, name FROM cooperatives WHERE code = $1", {Text(code)});
    if (!r) return std::nullopt;
    return CooperativeRecord{r->Int(0), r->Text(1), r->Text(2), r->Text(3)};
}

int64_t MembershipRepository::InsertStore(const StoreRecord& r, int64_t now) {
    return c_
        .QueryOne(
            "INSERT INTO stores (cooperative_id, code, name, city, created_at) VALUES ($1, $2, $3, $4, $5) "
            "RETURNING id",
            {Int(r.cooperative_id), Text(r.code), Text(r.name), Text(r.city), Int(now)})
        ->Int(0);
}

std::vector<StoreRecord> MembershipRepository::ListStores(std::optional<int64_t> cooperative_id) {
    std::vector<StoreRecord> out;
    for (const auto& r : c_.Query("SELECT id, cooperative_id, code, name, city FROM stores WHERE CAST($1 AS "
                                  "BIGINT) = 0 OR cooperative_id = $1 "
                                  "ORDER BY code",
                                  {Int(cooperative_id.value_or(0))}))
        out.push_back({r.Int(0), r.Int(1), r.Text(2), r.Text(3), r.Text(4)});
    return out;
}

std::optional<StoreRecord> MembershipRepository::FindStore(int64_t id) {
    auto r = c_.QueryOne("SELECT id, cooperative_id, code, name, city FROM stores WHERE id = $1", {Int(id)});
    if (!r) return std::nullopt;
    return StoreRecord{r->Int(0), r->Int(1), r->Text(2), r->Text(3), r->Text(4)};
}

std::optional<StoreRecord> MembershipRepository::FindStoreByCode(const std::string& code) {
    auto r =
        c_.QueryOne("SELECT id, cooperative_id, code, name, city FROM stores WHERE code = $1", {Text(code)});
    if (!r) return std::nullopt;
    return StoreRecord{r->Int(0), r->Int(1), r->Text(2), r->Text(3), r->Text(4)};
}

std::optional<std::string> MembershipRepository::StoreMarket(int64_t store_id) {
    auto r = c_.QueryOne(
        "SELECT co.market FROM stores s JOIN cooperatives co ON co.id = s.cooperative_id WHERE s.id = $1",
        {Int(store_id)});
    if (!r) return std::nullopt;
    return r->Text(0);
}

int64_t MembershipRepository::ReserveSequence(const std::string& name, int64_t count) {
    auto r = c_.QueryOne(
        "UPDATE number_sequences SET next_value = next_value + $2 WHERE name = $1 "
        "RETURNING next_value - $2",
        {Text(name), Int(count)});
    if (!r) throw DbError(DbError::Kind::kOther, "no sequence " + name);
    return r->Int(0);
}

core::Result<int64_t> MembershipRepository::InsertPerson(const PersonRecord& r, int64_t now) {
    try {
        return c_
            .QueryOne(
                "INSERT INTO persons (market, national_id_hash, first_name, last_name, name_key, birth_date, "
                "email, phone, street, postal_code, city, created_at, updated_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
                {Text(r.market), OptionalText(r.national_id_hash), Text(r.first_name), Text(r.last_name),
                 Text(NameKey(r.last_name, r.first_name)), Text(r.birth_date), OptionalText(r.email),
                 OptionalText(r.phone), Text(r.street), Text(r.postal_code), Text(r.city), Int(now)})
            ->Int(0);
    } catch (const DbError& e) {
        if (e.kind() == DbError::Kind::kUniqueViolation) return PersonConflict(e);
        throw;
    }
}

core::Result<int64_t> MembershipRepository::InsertMember(const MemberRecord& r) {
    try {
        auto opt_int = [](const std::optional<int64_t>& v) { return v ? Int(*v) : Null(); };
        return c_
            .QueryOne(
                "INSERT INTO members (person_id, member_number, kind, status, market, cooperative_id, "
                "home_store_id, share_paid_minor, share_paid_at, new_login_at, is_demo, joined_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                {Int(r.person_id), OptionalText(r.member_number), Text(r.kind), Text(r.status),
                 Text(r.market), opt_int(r.cooperative_id), opt_int(r.home_store_id), Int(r.share_paid_minor),
                 opt_int(r.share_paid_at), opt_int(r.new_login_at), Int(r.is_demo ? 1 : 0), Int(r.joined_at)})
            ->Int(0);
    } catch (const DbError& e) {
        if (e.kind() == DbError::Kind::kUniqueViolation) {
            if (ClashedOn(e, "members", "member_number"))
                return core::Error::Conflict("the member number is taken");
            return core::Error::Rule("R_MEM_5", "this person already has a membership (one per person)");
        }
        throw;
    }
}

std::optional<MemberRecord> MembershipRepository::FindMember(int64_t id) {
    static const std::string sql = MemberSql("WHERE m.id = $1");
    auto r = c_.QueryOne(sql, {Int(id)});
    if (!r) return std::nullopt;
    return ToMember(*r);
}

std::optional<MemberRecord> MembershipRepository::FindMemberByNumber(const std::string& member_number) {
    static const std::string sql = MemberSql("WHERE m.member_number = $1");
    auto r = c_.QueryOne(sql, {Text(member_number)});
    if (!r) return std::nullopt;
    return ToMember(*r);
}

std::optional<MemberRecord> MembershipRepository::FindMemberByCard(const std::string& card_number) {
    static const std::string sql =
        MemberSql("JOIN cards c ON c.member_id = m.id WHERE c.card_number = $1 AND c.status = 'active'");
    auto r = c_.QueryOne(sql, {Text(card_number)});
    if (!r) return std::nullopt;
    return ToMember(*r);
}

std::optional<MemberRecord> MembershipRepository::FindMemberByNationalIdHash(const std::string& hash) {
    static const std::string sql = MemberSql("WHERE p.national_id_hash = $1");
    auto r = c_.QueryOne(sql, {Text(hash)});
    if (!r) return std::nullopt;
    return ToMember(*r);
}

namespace {

// The ten columns of a till's answer, from column `at` on (till_cards' order, after its card number).
TillIdentityRecord TillIdentityAt(const Row& r, size_t at) {
    TillIdentityRecord t;
    t.member_id = r.Int(at);
    t.member_number = r.OptText(at + 1);
    t.first_name = r.Text(at + 2);
    t.kind = r.Text(at + 3);
    t.status = r.Text(at + 4);
    t.market = r.Text(at + 5);
    t.household_id = r.OptInt(at + 6);
    t.household_role = r.OptText(at + 7);
    t.owner_member_number = r.OptText(at + 8);
    t.household_size = t.household_id ? r.Int(at + 9) : 0;
    return t;
}

constexpr const char* kTillColumns =
    "t.member_id, t.member_number, t.first_name, t.kind, t.status, t.market, t.household_id, "
    "t.household_role, "
    "t.owner_member_number, t.household_size";

}  // namespace

std::optional<TillIdentityRecord> MembershipRepository::FindTillIdentity(IdentifyBy by,
                                                                         const std::string& value) {
    // The hot path of a till, by card: one row of till_cards (migration 0025 keeps it equal to its sources).
    // By member number or national id: one statement, a handful of index lookups.
    static const std::string by_card =
        "SELECT member_id, member_number, first_name, kind, status, market, household_id, household_role, "
        "owner_member_number, household_size FROM till_cards WHERE card_number = $1";
    static const std::string head =
        "SELECT m.id, m.member_number, p.first_name, m.kind, m.status, m.market, hm.household_id, hm.role, "
        "om.member_number, (SELECT COUNT(*) FROM household_members x WHERE x.household_id = "
        "hm.household_id) ";
    static const std::string joins =
        "JOIN persons p ON p.id = m.person_id LEFT JOIN household_members hm ON hm.member_id = m.id "
        "LEFT JOIN households h ON h.id = hm.household_id LEFT JOIN members om ON om.id = h.owner_member_id ";
    static const std::string by_number = head + "FROM members m " + joins + "WHERE m.member_number = $1";
    static const std::string by_hash = head + "FROM members m " + joins + "WHERE p.national_id_hash = $1";
    const std::string& sql = by == IdentifyBy::kCard           ? by_card
                             : by == IdentifyBy::kMemberNumber ? by_number
                                                               : by_hash;
    std::optional<Row> r;
    if (by == IdentifyBy::kCard) {
        // till_cards is keyed by the card's 16 digits as a number.
        int64_t card = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), card);
        if (ec != std::errc() || end != value.data() + value.size() || value.size() != 16)
            return std::nullopt;
        r = c_.QueryOne(sql, {Int(card)});
    } else {
        r = c_.QueryOne(sql, {Text(value)});
    }
    if (!r) return std::nullopt;
    return TillIdentityAt(*r, 0);
}

std::optional<EarnerRecord> MembershipRepository::FindEarner(IdentifyBy by, const std::string& value) {
    static const std::string head =
        "SELECT m.id, m.member_number, m.kind, m.status, m.market, m.cooperative_id, hm.household_id ";
    static const std::string by_card =
        head +
        "FROM cards c JOIN members m ON m.id = c.member_id LEFT JOIN household_members "
        "hm ON hm.member_id = m.id WHERE c.card_number = $1 AND c.status = 'active'";
    static const std::string by_number =
        head +
        "FROM members m LEFT JOIN household_members hm ON hm.member_id = m.id WHERE m.member_number = $1";
    if (by == IdentifyBy::kNationalIdHash)
        throw DbError(DbError::Kind::kOther, "FindEarner: by card or number");
    auto r = c_.QueryOne(by == IdentifyBy::kCard ? by_card : by_number, {Text(value)});
    if (!r) return std::nullopt;
    return EarnerRecord{r->Int(0),  r->OptText(1), r->Text(2),  r->Text(3),
                        r->Text(4), r->OptInt(5),  r->OptInt(6)};
}

std::vector<TillCardRecord> MembershipRepository::TillCardsAfter(int64_t after_card_number, int limit) {
    static const std::string sql =
        std::string("SELECT t.card_number, ") + kTillColumns +
        " FROM till_cards t WHERE t.card_number > $1 ORDER BY t.card_number LIMIT $2";
    std::vector<TillCardRecord> out;
    for (const auto& r : c_.Query(sql, {Int(after_card_number), Int(limit)}))
        out.push_back({r.Int(0), TillIdentityAt(r, 1)});
    return out;
}

TillCardChanges MembershipRepository::TillCardChangesAfter(int64_t after_seq, int limit) {
    // From the one row of till_card_feed, so that how far changes were pruned comes in the same snapshot
    // even when nothing changed.
    static const std::string sql =
        std::string("SELECT f.pruned_through, c.seq, c.card_number, t.card_number, ") + kTillColumns +
        " FROM till_card_feed f LEFT JOIN till_card_changes c ON c.seq > $1 LEFT JOIN till_cards t ON "
        "t.card_number = c.card_number WHERE f.id = 1 ORDER BY c.seq LIMIT $2";
    TillCardChanges out;
    for (const auto& r : c_.Query(sql, {Int(after_seq), Int(limit)})) {
        out.pruned_through = r.Int(0);
        if (r.IsNull(1)) continue;  // nothing changed
        TillCardChange change;
        change.seq = r.Int(1);
        change.card_number = r.OptInt(2);
        if (!r.IsNull(3)) change.now = TillIdentityAt(r, 4);
        out.changes.push_back(std::move(change));
    }
    return out;
}

int64_t MembershipRepository::TillCardChangesHead() {
    auto r = c_.QueryOne(
        "SELECT COALESCE((SELECT MAX(seq) FROM till_card_changes), 0), pruned_through FROM till_card_feed");
    return r ? std::max(r->Int(0), r->Int(1)) : 0;
}

int64_t MembershipRepository::PruneTillCardChanges(int64_t before_ms) {
    auto last = c_.QueryOne("SELECT MAX(seq) FROM till_card_changes WHERE at < $1", {Int(before_ms)});
    if (!last || last->IsNull(0)) return 0;
    int64_t through = last->Int(0);
    int64_t gone = c_.Execute("DELETE FROM till_card_changes WHERE seq <= $1", {Int(through)});
    c_.Execute("UPDATE till_card_feed SET pruned_through = $1 WHERE id = 1 AND pruned_through < $1",
               {Int(through)});
    return gone;
}

bool MembershipRepository::PersonExistsWithNationalIdHash(const std::string& hash) {
    return c_.QueryOne("SELECT 1 FROM persons WHERE national_id_hash = $1", {Text(hash)}).has_value();
}

std::vector<MemberRecord> MembershipRepository::SearchMembers(const std::string& query, int limit,
                                                              int64_t after_id) {
    static const std::string exact = MemberSql(
        "WHERE m.member_number = $1 OR p.email = $1 OR p.phone = $1 OR m.id IN "
        "(SELECT member_id FROM cards WHERE card_number = $1) ORDER BY m.id LIMIT 50");
    static const std::string by_name =
        MemberSql("WHERE p.name_key >= $1 AND p.name_key < $2 AND m.id > $3 ORDER BY m.id LIMIT $4");
    std::vector<MemberRecord> out;
    for (const auto& r : c_.Query(exact, {Text(query)}))
        if (r.Int(0) > after_id) out.push_back(ToMember(r));
    if (!out.empty()) return out;
    std::string key;
    for (char ch : query) key.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch);
    for (const auto& r :
         c_.Query(by_name, {Text(key), Text(key + "\xef\xbf\xbf"), Int(after_id), Int(limit)}))
        out.push_back(ToMember(r));
    return out;
}

core::Result<void> MembershipRepository::UpdatePersonContact(const PersonRecord& r, int64_t now) {
    try {
        c_.Execute(
            "UPDATE persons SET email = $2, phone = $3, street = $4, postal_code = $5, city = $6, "
            "updated_at = $7 WHERE id = $1",
            {Int(r.id), OptionalText(r.email), OptionalText(r.phone), Text(r.street), Text(r.postal_code),
             Text(r.city), Int(now)});
        return core::Ok();
    } catch (const DbError& e) {
        if (e.kind() == DbError::Kind::kUniqueViolation) return PersonConflict(e);
        throw;
    }
}

void MembershipRepository::UpdateHomeStore(int64_t member_id, int64_t store_id) {
    c_.Execute("UPDATE members SET home_store_id = $2, version = version + 1 WHERE id = $1",
               {Int(member_id), Int(store_id)});
}

void MembershipRepository::UpdateCooperative(int64_t member_id, int64_t cooperative_id,
                                             int64_t home_store_id) {
    c_.Execute(
        "UPDATE members SET cooperative_id = $2, home_store_id = $3, version = version + 1 WHERE id = $1",
        {Int(member_id), Int(cooperative_id), Int(home_store_id)});
}

void MembershipRepository::RecordShare(int64_t member_id, int64_t share_minor, int64_t now) {
    c_.Execute(
        "UPDATE members SET share_paid_minor = $2, share_paid_at = $3, version = version + 1 WHERE id = $1",
        {Int(member_id), Int(share_minor), Int(now)});
}

void MembershipRepository::MakeMember(int64_t member_id, const std::string& member_number,
                                      int64_t cooperative_id, int64_t home_store_id, int64_t share_minor,
                                      int64_t now) {
    c_.Execute(
        "UPDATE members SET kind = 'member', member_number = $2, cooperative_id = $3, home_store_id = $4, "
        "share_paid_minor = $5, share_paid_at = $6, version = version + 1 WHERE id = $1",
        {Int(member_id), Text(member_number), Int(cooperative_id), Int(home_store_id), Int(share_minor),
         Int(now)});
}

void MembershipRepository::AddEvent(int64_t member_id, const std::string& kind, const std::string& detail,
                                    const std::string& actor, int64_t now) {
    c_.Execute("INSERT INTO member_events (member_id, kind, detail, actor, at) VALUES ($1, $2, $3, $4, $5)",
               {Int(member_id), Text(kind), Text(detail), Text(actor), Int(now)});
}

std::vector<MemberEventRecord> MembershipRepository::ListEvents(int64_t member_id, int limit) {
    std::vector<MemberEventRecord> out;
    for (const auto& r : c_.Query("SELECT id, member_id, kind, detail, actor, at FROM member_events "
                                  "WHERE member_id = $1 ORDER BY id DESC LIMIT $2",
                                  {Int(member_id), Int(limit)}))
        out.push_back({r.Int(0), r.Int(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5)});
    return out;
}

int64_t MembershipRepository::InsertHousehold(int64_t owner_member_id, int64_t now) {
    return c_
        .QueryOne("INSERT INTO households (owner_member_id, created_at) VALUES ($1, $2) RETURNING id",
                  {Int(owner_member_id), Int(now)})
        ->Int(0);
}

void MembershipRepository::AddToHousehold(int64_t household_id, int64_t member_id, const std::string& role,
                                          int64_t now) {
    c_.Execute(
        "INSERT INTO household_members (member_id, household_id, role, joined_at) VALUES ($1, $2, $3, $4)",
        {Int(member_id), Int(household_id), Text(role), Int(now)});
}

void MembershipRepository::RemoveFromHousehold(int64_t member_id) {
    c_.Execute("DELETE FROM household_members WHERE member_id = $1", {Int(member_id)});
}

void MembershipRepository::AddHouseholdEvent(int64_t household_id, int64_t member_id, const std::string& kind,
                                             const std::string& actor, int64_t now) {
    c_.Execute(
        "INSERT INTO household_events (household_id, member_id, kind, actor, at) VALUES ($1, $2, $3, $4, $5)",
        {Int(household_id), Int(member_id), Text(kind), Text(actor), Int(now)});
}

std::optional<HouseholdRecord> MembershipRepository::FindHousehold(int64_t household_id) {
    auto h = c_.QueryOne("SELECT id, owner_member_id, created_at FROM households WHERE id = $1",
                         {Int(household_id)});
    if (!h) return std::nullopt;
    HouseholdRecord out{h->Int(0), h->Int(1), h->Int(2), {}};
    for (const auto& r :
         c_.Query("SELECT hm.member_id, hm.role, hm.joined_at, m.member_number, p.first_name, "
                  "p.last_name FROM household_members hm JOIN members m ON m.id = hm.member_id "
                  "JOIN persons p ON p.id = m.person_id WHERE hm.household_id = $1 "
                  "ORDER BY CASE hm.role WHEN 'owner' THEN 0 ELSE 1 END, hm.joined_at, hm.member_id",
                  {Int(household_id)}))
        out.members.push_back({r.Int(0), r.Text(1), r.Int(2), r.OptText(3), r.Text(4), r.Text(5)});
    return out;
}

int MembershipRepository::CountParticipants(int64_t household_id) {
    return static_cast<int>(c_.QueryOne("SELECT COUNT(*) FROM household_members WHERE household_id = $1 AND "
                                        "role = 'participant'",
                                        {Int(household_id)})
                                ->Int(0));
}

core::Result<int64_t> MembershipRepository::InsertCard(const CardRecord& r) {
    try {
        return c_
            .QueryOne(
                "INSERT INTO cards (card_number, member_id, status, replaces_card_id, issued_at, "
                "status_changed_at, status_reason) VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id",
                {Text(r.card_number), Int(r.member_id), Text(r.status),
                 r.replaces_card_id ? Int(*r.replaces_card_id) : Null(), Int(r.issued_at),
                 Text(r.status_reason)})
            ->Int(0);
    } catch (const DbError& e) {
        if (e.kind() == DbError::Kind::kUniqueViolation)
            return core::Error::Conflict("the card number is taken");
        throw;
    }
}

std::vector<CardRecord> MembershipRepository::ListCards(int64_t member_id) {
    static const std::string sql = std::string(kCardSelect) + "WHERE member_id = $1 ORDER BY id";
    std::vector<CardRecord> out;
    for (const auto& r : c_.Query(sql, {Int(member_id)})) out.push_back(ToCard(r));
    return out;
}

std::optional<CardRecord> MembershipRepository::FindCard(const std::string& card_number) {
    static const std::string sql = std::string(kCardSelect) + "WHERE card_number = $1";
    auto r = c_.QueryOne(sql, {Text(card_number)});
    if (!r) return std::nullopt;
    return ToCard(*r);
}

void MembershipRepository::SetCardStatus(int64_t card_id, const std::string& status,
                                         const std::string& reason, int64_t now) {
    c_.Execute("UPDATE cards SET status = $2, status_reason = $3, status_changed_at = $4 WHERE id = $1",
               {Int(card_id), Text(status), Text(reason), Int(now)});
}

core::Result<int64_t> MembershipRepository::InsertTerms(const TermsRecord& r) {
    try {
        return c_
            .QueryOne(
                "INSERT INTO terms_versions (market, version, major, summary, published_at, body, "
                "notified_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                {Text(r.market), Text(r.version), Int(r.major ? 1 : 0), Text(r.summary), Int(r.published_at),
                 Text(r.body), r.notified_at ? Int(*r.notified_at) : store::Null()})
            ->Int(0);
    } catch (const DbError& e) {
        if (e.kind() == DbError::Kind::kUniqueViolation)
            return core::Error::Conflict("this terms version is already published");
        throw;
    }
}

std::optional<TermsRecord> MembershipRepository::LatestTerms(const std::string& market) {
    auto r = c_.QueryOne(
        "SELECT id, market, version, summary, major, published_at, body, notified_at FROM terms_versions "
        "WHERE market = $1 ORDER BY published_at DESC, id DESC LIMIT 1",
        {Text(market)});
    if (!r) return std::nullopt;
    return TermsRecord{r->Int(0),  r->Text(1), r->Text(2), r->Text(3),
                       r->Bool(4), r->Int(5),  r->Text(6), r->OptInt(7)};
}

std::optional<TermsRecord> MembershipRepository::FindTerms(const std::string& market,
                                                           const std::string& version) {
    auto r = c_.QueryOne(
        "SELECT id, market, version, summary, major, published_at, body, notified_at FROM terms_versions "
        "WHERE market = $1 AND version = $2",
        {Text(market), Text(version)});
    if (!r) return std::nullopt;
    return TermsRecord{r->Int(0),  r->Text(1), r->Text(2), r->Text(3),
                       r->Bool(4), r->Int(5),  r->Text(6), r->OptInt(7)};
}

void MembershipRepository::AcceptTerms(int64_t member_id, int64_t terms_id, const std::string& channel,
                                       int64_t now) {
    c_.Execute(
        "INSERT INTO terms_acceptances (member_id, terms_version_id, accepted_at, channel) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT (member_id, terms_version_id) DO NOTHING",
        {Int(member_id), Int(terms_id), Int(now), Text(channel)});
}

std::optional<std::pair<std::string, int64_t>> MembershipRepository::AcceptedTerms(int64_t member_id) {
    auto r = c_.QueryOne(
        "SELECT t.version, a.accepted_at FROM terms_acceptances a JOIN terms_versions t "
        "ON t.id = a.terms_version_id WHERE a.member_id = $1 ORDER BY t.published_at DESC, t.id DESC "
        "LIMIT 1",
        {Int(member_id)});
    if (!r) return std::nullopt;
    return std::make_pair(r->Text(0), r->Int(1));
}

namespace {
template <typename... V>
void Push(std::vector<Value>& out, V&&... v) {
    (out.push_back(std::forward<V>(v)), ...);
}
}  // namespace

std::vector<int64_t> MembershipBulkLoad::DrawIds(std::string_view table, int64_t count) {
    if (table != "persons" && table != "members" && table != "cards" && table != "households")
        throw DbError(DbError::Kind::kOther, "DrawIds: no ids for " + std::string(table));
    std::vector<int64_t> ids;
    ids.reserve(static_cast<size_t>(count));
    if (c_.engine() == Engine::kSqlite) {
        // The one writer holds the database: nothing else takes an id before this transaction ends.
        int64_t high = c_.QueryOne("SELECT COALESCE(MAX(id), 0) FROM " + std::string(table))->Int(0);
        for (int64_t i = 1; i <= count; ++i) ids.push_back(high + i);
    } else {
        for (const auto& r : c_.Query("SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM "
                                      "generate_series(1, $2) ORDER BY 1",
                                      {Text(std::string(table)), Int(count)}))
            ids.push_back(r.Int(0));
    }
    return ids;
}

void MembershipBulkLoad::AddPerson(const PersonRecord& r, int64_t now) {
    Push(persons_.values, Int(r.id), Text(r.market), OptionalText(r.national_id_hash), Text(r.first_name),
         Text(r.last_name), Text(NameKey(r.last_name, r.first_name)), Text(r.birth_date),
         OptionalText(r.email), OptionalText(r.phone), Text(r.street), Text(r.postal_code), Text(r.city),
         Int(now), Int(now));
}

void MembershipBulkLoad::AddMember(const MemberRecord& r) {
    auto opt_int = [](const std::optional<int64_t>& v) { return v ? Int(*v) : Null(); };
    Push(members_.values, Int(r.id), Int(r.person_id), OptionalText(r.member_number), Text(r.kind),
         Text(r.status), Text(r.market), opt_int(r.cooperative_id), opt_int(r.home_store_id),
         Int(r.share_paid_minor), opt_int(r.share_paid_at), opt_int(r.new_login_at), Int(r.is_demo ? 1 : 0),
         Int(r.joined_at));
}

void MembershipBulkLoad::AddCard(const CardRecord& r) {
    Push(cards_.values, Int(r.id), Text(r.card_number), Int(r.member_id), Text(r.status),
         r.replaces_card_id ? Int(*r.replaces_card_id) : Null(), Int(r.issued_at), Int(r.issued_at),
         Text(r.status_reason));
}

void MembershipBulkLoad::AddHousehold(int64_t id, int64_t owner_member_id, int64_t now) {
    Push(households_.values, Int(id), Int(owner_member_id), Int(now));
}

void MembershipBulkLoad::AddPlace(int64_t household_id, int64_t member_id, const std::string& role,
                                  int64_t now) {
    Push(places_.values, Int(member_id), Int(household_id), Text(role), Int(now));
}

void MembershipBulkLoad::AddTillCard(const TillCardRecord& r, std::optional<int64_t> owner_member_id) {
    const auto& t = r.identity;
    Push(till_cards_.values, Int(r.card_number), Int(t.member_id), OptionalText(t.member_number),
         Text(t.first_name), Text(t.kind), Text(t.status), Text(t.market),
         t.household_id ? Int(*t.household_id) : Null(), OptionalText(t.household_role),
         owner_member_id ? Int(*owner_member_id) : Null(), OptionalText(t.owner_member_number),
         Int(t.household_size));
}

void MembershipBulkLoad::Flush() {
    auto suspended = SuspendTillCardTriggers();
    for (Table* t : {&persons_, &members_, &cards_, &households_, &places_, &till_cards_}) Write(*t);
    NoteTillCardsFilled();
    for (const auto& sql : suspended) c_.ExecScript(sql);
}

std::vector<std::string> MembershipBulkLoad::SuspendTillCardTriggers() {
    std::vector<std::string> suspended;
    if (c_.engine() == Engine::kSqlite) {
        // SQLite cannot switch a trigger off: it is dropped, and created again from its own text.
        for (const auto& r : c_.Query("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND "
                                      "name LIKE 'till_cards_%' ORDER BY name")) {
            c_.ExecScript("DROP TRIGGER " + r.Text(0));
            suspended.push_back(r.Text(1));
        }
    } else {
        for (const auto& r :
             c_.Query("SELECT cl.relname, t.tgname FROM pg_trigger t JOIN pg_class cl ON "
                      "cl.oid = t.tgrelid WHERE cl.relnamespace = current_schema()::regnamespace "
                      "AND t.tgname LIKE 'till_cards_%' ORDER BY t.tgname")) {
            c_.ExecScript("ALTER TABLE " + r.Text(0) + " DISABLE TRIGGER " + r.Text(1));
            suspended.push_back("ALTER TABLE " + r.Text(0) + " ENABLE TRIGGER " + r.Text(1));
        }
    }
    return suspended;
}

void MembershipBulkLoad::NoteTillCardsFilled() {
    c_.Execute("INSERT INTO till_card_changes (card_number, at) VALUES (NULL, $1)",
               {Int(std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count())});
}

void MembershipBulkLoad::Write(Table& t) {
    // Full statements of kRows rows, then the rest a row at a time: two statement texts per table.
    constexpr size_t kRows = 100;
    auto sql = [&t](size_t rows) {
        std::string s = "INSERT INTO " + std::string(t.name) + " (" + std::string(t.columns) + ") VALUES ";
        int n = 0;
        for (size_t r = 0; r < rows; ++r) {
            s += r == 0 ? "(" : ", (";
            for (int c = 0; c < t.width; ++c) s += (c == 0 ? "$" : ", $") + std::to_string(++n);
            s += ")";
        }
        return s;
    };
    const size_t width = static_cast<size_t>(t.width);
    const size_t rows = t.values.size() / width;
    std::span<const Value> all(t.values);
    size_t r = 0;
    if (rows >= kRows) {
        const std::string many = sql(kRows);
        for (; r + kRows <= rows; r += kRows) c_.Execute(many, all.subspan(r * width, kRows * width));
    }
    if (r < rows) {
        const std::string one = sql(1);
        for (; r < rows; ++r) c_.Execute(one, all.subspan(r * width, width));
    }
    t.values.clear();
}

}  // namespace andel::store
