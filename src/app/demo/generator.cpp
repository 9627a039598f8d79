#include "app/demo/generator.hpp"

#include <array>
#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "app/crypto.hpp"
#include "core/membership/national_id.hpp"
#include "core/membership/numbers.hpp"
#include "store/access/api_key_repository.hpp"
#include "store/membership/membership_repository.hpp"

namespace andel::app {
namespace {

using store::MembershipRepository;

struct CoopSeed {
    const char* market;
    const char* code;
    const char* name;
    std::array<std::array<const char*, 3>, 4> stores;  // code, name, city
};

// Fictional societies and stores (R_MEM_10: no real data in the demo).
const CoopSeed kCoops[] = {
    {"dk",
     "dk-fyn",
     "Brugsforeningen Fyn",
     {{{"dk-odense-1", "Andel Odense C", "Odense"},
       {"dk-svendborg-1", "Andel Svendborg", "Svendborg"},
       {"dk-nyborg-1", "Andel Nyborg", "Nyborg"},
       {"dk-faaborg-1", "Andel Faaborg", "Faaborg"}}}},
    {"dk",
     "dk-sjaelland",
     "Brugsforeningen Sjælland",
     {{{"dk-roskilde-1", "Andel Roskilde", "Roskilde"},
       {"dk-koege-1", "Andel Køge", "Køge"},
       {"dk-holbaek-1", "Andel Holbæk", "Holbæk"},
       {"dk-naestved-1", "Andel Næstved", "Næstved"}}}},
    {"no",
     "no-vestland",
     "Samvirkelaget Vestland",
     {{{"no-bergen-1", "Andel Bergen sentrum", "Bergen"},
       {"no-voss-1", "Andel Voss", "Voss"},
       {"no-foerde-1", "Andel Førde", "Førde"},
       {"no-stord-1", "Andel Stord", "Stord"}}}},
    {"no",
     "no-innlandet",
     "Samvirkelaget Innlandet",
     {{{"no-hamar-1", "Andel Hamar", "Hamar"},
       {"no-lillehammer-1", "Andel Lillehammer", "Lillehammer"},
       {"no-gjovik-1", "Andel Gjøvik", "Gjøvik"},
       {"no-elverum-1", "Andel Elverum", "Elverum"}}}},
    {"se",
     "se-malardalen",
     "Konsumföreningen Mälardalen",
     {{{"se-vasteras-1", "Andel Västerås city", "Västerås"},
       {"se-eskilstuna-1", "Andel Eskilstuna", "Eskilstuna"},
       {"se-uppsala-1", "Andel Uppsala Luthagen", "Uppsala"},
       {"se-enkoping-1", "Andel Enköping", "Enköping"}}}},
    {"se",
     "se-norrland",
     "Konsumföreningen Norrland",
     {{{"se-umea-1", "Andel Umeå Ålidhem", "Umeå"},
       {"se-lulea-1", "Andel Luleå", "Luleå"},
       {"se-sundsvall-1", "Andel Sundsvall", "Sundsvall"},
       {"se-ostersund-1", "Andel Östersund", "Östersund"}}}},
};

const char* kFirst[3][12] = {
    {"Anne", "Mette", "Lars", "Søren", "Jens", "Hanne", "Kirsten", "Niels", "Freja", "Mads", "Ida", "Karen"},
    {"Kari", "Ola", "Ingrid", "Per", "Nora", "Lars", "Sigrid", "Jon", "Marit", "Knut", "Emma", "Håkon"},
    {"Anna", "Erik", "Maria", "Karl", "Elin", "Johan", "Sara", "Lars", "Ebba", "Nils", "Astrid", "Oskar"}};
const char* kLast[3][10] = {{"Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen",
                             "Sørensen", "Rasmussen", "Jørgensen"},
                            {"Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen",
                             "Kristiansen", "Jensen", "Karlsen"},
                            {"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
                             "Persson", "Svensson", "Gustafsson"}};

int MarketIndex(const std::string& m) { return m == "dk" ? 0 : m == "no" ? 1 : 2; }

std::string Two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

// A valid national id for generated person `i` of a market, unique per i (birth day from i % 21 900, serial
// from i / 21 900); nullopt when the NO check digits cannot be formed for that serial.
std::optional<std::string> SyntheticNationalId(const std::string& market, int64_t i, core::Date today) {
    using namespace std::chrono;
    sys_days base = sys_days{year{1940} / January / 1};
    year_month_day d{base + days{i % 21900}};
    int64_t serial = i / 21900;
    int y = static_cast<int>(d.year()), m = static_cast<int>(static_cast<unsigned>(d.month())),
        dd = static_cast<int>(static_cast<unsigned>(d.day()));
    std::string text;
    if (market == "se") {
        if (serial >= 1000) return std::nullopt;
        char s[24];
        std::snprintf(s, sizeof s, "%03lld", static_cast<long long>(serial));
        std::string body = std::to_string(y) + Two(m) + Two(dd) + s;
        text = body + core::LuhnCheckDigit(std::string_view(body).substr(2, 9));
    } else if (market == "dk") {
        if (serial >= 4000) return std::nullopt;
        char s[24];
        std::snprintf(s, sizeof s, "%04lld", static_cast<long long>(serial));
        text = Two(dd) + Two(m) + Two(y % 100) + s;
    } else {
        if (serial >= 500) return std::nullopt;
        char s[24];
        std::snprintf(s, sizeof s, "%03lld", static_cast<long long>(serial));
        std::string body = Two(dd) + Two(m) + Two(y % 100) + s;
        static const int k1[] = {3, 7, 6, 1, 8, 9, 4, 5, 2};
        static const int k2[] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
        int s1 = 0;
        for (int k = 0; k < 9; ++k) s1 += (body[k] - '0') * k1[k];
        int c1 = (11 - s1 % 11) % 11;
        if (c1 == 10) return std::nullopt;
        body.push_back(static_cast<char>('0' + c1));
        int s2 = 0;
        for (int k = 0; k < 10; ++k) s2 += (body[k] - '0') * k2[k];
        int c2 = (11 - s2 % 11) % 11;
        if (c2 == 10) return std::nullopt;
        text = body + static_cast<char>('0' + c2);
    }
    auto parsed = core::ParseNationalId(market, text, today);
    if (!parsed) return std::nullopt;
    return parsed->normalized;
}

int HouseholdSize(std::mt19937_64& rng, int max_size) {
    int r = static_cast<int>(rng() % 100);
    int size = r < 45   ? 1
               : r < 75 ? 2
               : r < 87 ? 3
               : r < 96 ? 4
               : r < 99 ? 5
                        : 6 + static_cast<int>(rng() % 5);
    return std::min(size, max_size);
}

}  // namespace

void EnsureReferenceData(store::Database& db, const std::map<std::string, core::MarketRules>& markets,
                         int64_t now) {
    store::Transaction tx(db);
    MembershipRepository repo(tx.conn());
    for (const auto& coop : kCoops) {
        if (!markets.contains(coop.market) || repo.FindCooperativeByCode(coop.code)) continue;
        int64_t id = repo.InsertCooperative({0, coop.market, coop.code, coop.name}, now);
        for (const auto& s : coop.stores) repo.InsertStore({0, id, s[0], s[1], s[2]}, now);
    }
    tx.Commit();
}

GenerateReport GenerateMembers(store::Database& db, const std::map<std::string, core::MarketRules>& markets,
                               const std::string& national_id_key, const core::Clock& clock,
                               const GenerateOptions& options) {
    auto started = std::chrono::steady_clock::now();
    int64_t now = core::ToMillis(clock.Now());
    core::Date today = core::UtcDate(clock.Now());
    EnsureReferenceData(db, markets, now);
    std::mt19937_64 rng(options.seed);

    // Stores per market, and where this run continues numbering synthetic persons.
    std::map<std::string, std::vector<store::StoreRecord>> stores;
    int64_t person_offset = 0;
    {
        auto c = db.Read();
        MembershipRepository repo(*c);
        for (const auto& s : repo.ListStores(std::nullopt))
            stores[repo.FindCooperative(s.cooperative_id)->market].push_back(s);
        person_offset = c->QueryOne("SELECT COUNT(*) FROM persons")->Int(0);
        // An earlier run skipped indices without a valid national id, so it may have used indices beyond
        // the count: continue 1 000 after the highest owner's (the e-mail names it; the rest of that
        // household follows it closely).
        const std::string generated = db.engine() == store::Engine::kSqlite
                                          ? "email GLOB 'member[0-9]*@example.org'"
                                          : "email ~ '^member[0-9]+@example[.]org$'";
        auto highest = c->QueryOne(
            "SELECT MAX(CAST(substr(email, 7, length(email) - 18) AS BIGINT)) FROM persons "
            "WHERE " +
            generated);
        if (highest && !highest->IsNull(0)) person_offset = std::max(person_offset, highest->Int(0) + 1);
    }
    std::vector<std::string> codes;
    for (const auto& [code, rules] : markets)
        if (!stores[code].empty()) codes.push_back(code);
    if (codes.empty()) return {};

    // A bulk load: on SQLite, commits need not reach the disk (a crash means running it again) and a large
    // page cache keeps the random inserts into the national-id index in memory. Restored afterwards.
    bool sqlite = db.engine() == store::Engine::kSqlite;
    if (sqlite) db.Write()->ExecScript("PRAGMA synchronous=OFF; PRAGMA cache_size=-1048576");
    struct Restore {
        store::Database& db;
        bool sqlite;
        ~Restore() {
            if (sqlite) db.Write()->ExecScript("PRAGMA synchronous=FULL; PRAGMA cache_size=-65536");
        }
    } restore{db, sqlite};

    GenerateReport report;
    constexpr int64_t kBatch = 50'000;
    int64_t index =
        person_offset + 1000;  // synthetic person index; the first 1 000 are left to hand-made data
    while (report.members < options.members) {
        store::Transaction tx(db);
        MembershipRepository repo(tx.conn());
        int64_t batch_end = std::min(options.members, report.members + kBatch);
        int64_t want = batch_end - report.members + 16;
        int64_t next_number = repo.ReserveSequence("member", want);
        int64_t number_end = next_number + want;
        int64_t next_card = repo.ReserveSequence("card", want);
        // Ids are drawn ahead so that rows can be written many to a statement; the till's rows are written
        // from what this loop knows (MembershipBulkLoad::Flush sets the triggers aside).
        const int64_t count = batch_end - report.members;
        store::MembershipBulkLoad load(tx.conn());
        auto person_ids = load.DrawIds("persons", count);
        auto member_ids = load.DrawIds("members", count);
        auto card_ids = load.DrawIds("cards", count);
        auto household_ids = load.DrawIds("households", count);
        size_t next_id = 0, next_household = 0;
        std::vector<store::TillCardRecord> till_rows;
        while (report.members < batch_end) {
            const std::string& market = codes[rng() % codes.size()];
            const auto& rules = markets.at(market);
            const auto& store = stores[market][rng() % stores[market].size()];
            int mi = MarketIndex(market);
            int size =
                std::min<int64_t>(HouseholdSize(rng, rules.max_participants + 1), batch_end - report.members);
            std::string last = kLast[mi][rng() % 10];
            const int64_t household = household_ids[next_household++];
            till_rows.clear();
            for (int k = 0; k < size; ++k, ++next_id) {
                std::optional<std::string> nid;
                while (!(nid = SyntheticNationalId(market, index, today))) ++index;
                int64_t i = index++;
                store::PersonRecord p;
                p.id = person_ids[next_id];
                p.market = market;
                p.national_id_hash = HmacSha256Hex(national_id_key, *nid);
                p.first_name = kFirst[mi][rng() % 12];
                p.last_name = last;
                auto parsed = core::ParseNationalId(market, *nid, today);
                p.birth_date = core::FormatDate(parsed->birth_date);
                if (k == 0) {
                    p.email = "member" + std::to_string(i) + "@example.org";
                    p.phone = std::string(market == "dk"   ? "+45"
                                          : market == "no" ? "+47"
                                                           : "+46") +
                              "7" + std::to_string(10'000'000 + i);
                }
                p.street = "Andelsvej " + std::to_string(1 + i % 200);
                p.postal_code = std::to_string(1000 + i % 8000);
                p.city = store.city;
                load.AddPerson(p, now);
                if (next_number == kDemoMemberBody) ++next_number;
                if (next_number >= number_end)
                    throw std::runtime_error("generator: member numbers exhausted");
                store::MemberRecord m;
                m.id = member_ids[next_id];
                m.person_id = p.id;
                m.member_number = core::MemberNumberFromBody(next_number++);
                m.kind = "member";
                m.status = "active";
                m.market = market;
                m.cooperative_id = store.cooperative_id;
                m.home_store_id = store.id;
                m.share_paid_minor = k == 0 ? rules.share_minor : 0;
                if (k == 0) m.share_paid_at = now;
                m.joined_at = now;
                load.AddMember(m);
                store::CardRecord card;
                card.id = card_ids[next_id];
                card.card_number = core::CardNumberFromSerial(next_card++);
                card.member_id = m.id;
                card.status = "active";
                card.issued_at = now;
                load.AddCard(card);
                if (k == 0) {
                    load.AddHousehold(household, m.id, now);
                    ++report.households;
                }
                load.AddPlace(household, m.id, k == 0 ? "owner" : "participant", now);
                store::TillCardRecord till;
                till.card_number = std::stoll(card.card_number);
                till.identity.member_id = m.id;
                till.identity.member_number = m.member_number;
                till.identity.first_name = p.first_name;
                till.identity.kind = m.kind;
                till.identity.status = m.status;
                till.identity.market = market;
                till.identity.household_id = household;
                till.identity.household_role = k == 0 ? "owner" : "participant";
                till.identity.owner_member_number =
                    k == 0 ? m.member_number : till_rows[0].identity.member_number;
                till.identity.household_size = size;
                till_rows.push_back(std::move(till));
                ++report.members;
                ++report.cards;
            }
            for (const auto& till : till_rows) load.AddTillCard(till, till_rows[0].identity.member_id);
        }
        load.Flush();
        tx.Commit();
        if (options.progress) options.progress(report.members, options.members);
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

}  // namespace andel::app
