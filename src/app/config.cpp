#include "app/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <string_view>
#include <type_traits>
#include <utility>

namespace andel::app {
namespace {

namespace fs = std::filesystem;
using core::MarketRules;
using core::RewardKind;
using Problems = std::vector<std::string>;

// What a customer with a profile may be allowed to use (R_MEM_1). The price checker is for members only
// (R_OFF_2), so it is refused by name.
const std::set<std::string, std::less<>> kProfileFunctions = {
    "offers",  "app_coupons",    "savings",     "receipts",
    "recipes", "shopping_lists", "online_shop", "partner_offers"};
// Tenders that earn nothing (R_BON_2). Paying with a gift card earns, so it cannot be listed.
const std::set<std::string, std::less<>> kExcludableTenders = {"cash_withdrawal", "atm_withdrawal",
                                                               "deposit_voucher"};
const std::set<std::string, std::less<>> kLogLevels = {"trace", "debug",    "info", "warn",
                                                       "error", "critical", "off"};
const std::set<std::string, std::less<>> kLogFormats = {"json", "text"};

constexpr size_t kMinNationalIdKeyChars = 32;

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string Join(const std::set<std::string, std::less<>>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

std::string Problem(std::string_view where, std::string_view key, std::string_view problem) {
    std::string out(where);
    if (!key.empty()) out.append(": ").append(key);
    return out.append(": ").append(problem);
}

std::string BetweenProblem(int64_t lo, int64_t hi, int64_t got) {
    return "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + " (got " +
           std::to_string(got) + ")";
}

const char* TypeName(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a floating-point number";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        case toml::node_type::date:
            return "a date";
        case toml::node_type::time:
            return "a time";
        case toml::node_type::date_time:
            return "a date-time";
        case toml::node_type::none:
            break;
    }
    return "nothing";
}

size_t EditDistance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

// Where a file's problems go. `unread` lists the keys that are missing or of the wrong type: the struct holds
// defaults for them, so value checks that involve them would only add noise. `incomplete` is set when nothing
// can be checked (an unknown reward kind decides which sections apply).
struct FileContext {
    FileContext(std::string file_name, Problems& sink) : file(std::move(file_name)), problems(sink) {}

    std::string file;
    Problems& problems;
    std::vector<std::string> unread;
    bool incomplete = false;

    void Add(std::string_view key, std::string_view problem) {
        problems.push_back(Problem(file, key, problem));
    }
};

// Reads one TOML table. Every key read (or refused) is remembered, so that Finish() reports the others as
// unknown: a typo such as `max_participant` is an error, never silently ignored.
class TableReader {
  public:
    TableReader(FileContext& ctx, std::string prefix, const toml::table& table)
        : ctx_(ctx), prefix_(std::move(prefix)), table_(table) {}

    std::string Path(std::string_view key) const {
        return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
    }
    bool Has(std::string_view key) const { return table_.contains(key); }

    std::optional<int64_t> Int(std::string_view key) {
        const toml::node* node = Get(key);
        if (node == nullptr) return std::nullopt;
        if (const auto* v = node->as_integer()) return v->get();
        return WrongType(key, "an integer", *node);
    }
    // An integer that must fit the C++ type it is stored in.
    std::optional<int> SmallInt(std::string_view key) {
        const auto v = Int(key);
        if (!v) return std::nullopt;
        if (*v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max()) {
            ctx_.Add(Path(key),
                     BetweenProblem(std::numeric_limits<int>::min(), std::numeric_limits<int>::max(), *v));
            ctx_.unread.push_back(Path(key));
            return std::nullopt;
        }
        return static_cast<int>(*v);
    }
    // An integer in [lo, hi], checked here because the value is narrowed when stored.
    std::optional<int64_t> IntIn(std::string_view key, int64_t lo, int64_t hi) {
        const auto v = Int(key);
        if (v && (*v < lo || *v > hi)) {
            ctx_.Add(Path(key), BetweenProblem(lo, hi, *v));
            return std::nullopt;
        }
        return v;
    }
    std::optional<bool> Bool(std::string_view key) {
        const toml::node* node = Get(key);
        if (node == nullptr) return std::nullopt;
        if (const auto* v = node->as_boolean()) return v->get();
        return WrongType(key, "a boolean (true or false)", *node);
    }
    std::optional<std::string> String(std::string_view key) {
        const toml::node* node = Get(key);
        if (node == nullptr) return std::nullopt;
        if (const auto* v = node->as_string()) return v->get();
        return WrongType(key, "a string", *node);
    }
    std::optional<std::vector<std::string>> Strings(std::string_view key) {
        const toml::node* node = Get(key);
        if (node == nullptr) return std::nullopt;
        const auto* array = node->as_array();
        if (array == nullptr) return WrongType(key, "an array of strings", *node);
        std::vector<std::string> out;
        for (size_t i = 0; i < array->size(); ++i) {
            const auto* s = (*array)[i].as_string();
            if (s == nullptr) {
                ctx_.Add(Path(key) + "[" + std::to_string(i) + "]",
                         std::string("must be a string (got ") + TypeName((*array)[i]) + ")");
                ctx_.unread.push_back(Path(key));
                return std::nullopt;
            }
            out.push_back(s->get());
        }
        return out;
    }
    const toml::array* Array(std::string_view key) {
        const toml::node* node = Get(key);
        if (node == nullptr) return nullptr;
        if (const auto* a = node->as_array()) return a;
        WrongType(key, "an array", *node);
        return nullptr;
    }
    std::optional<TableReader> Table(std::string_view key) {
        const toml::node* node = Get(key);
        if (node == nullptr) return std::nullopt;
        if (const auto* t = node->as_table()) return TableReader(ctx_, Path(key), *t);
        return WrongType(key, "a table", *node);
    }
    // A key that must not be there (e.g. [points] in a market whose reward is money).
    void Refuse(std::string_view key, std::string_view why) {
        known_.emplace(key);
        if (Has(key)) ctx_.Add(Path(key), why);
    }
    // A key left unread on purpose (not reported as unknown).
    void Skip(std::string_view key) { known_.emplace(key); }
    // Reports every key of the table that was not read.
    void Finish() const {
        for (auto&& [key, node] : table_) {
            if (known_.count(key.str()) != 0) continue;
            std::string problem = "unknown key";
            std::string_view best;
            size_t best_distance = 3;  // suggest only close matches
            for (const auto& k : known_) {
                const size_t d = EditDistance(key.str(), k);
                if (d < best_distance) best_distance = d, best = k;
            }
            if (!best.empty()) problem += " (did you mean " + Quoted(best) + "?)";
            ctx_.Add(Path(key.str()), problem);
        }
    }

  private:
    const toml::node* Get(std::string_view key) {
        known_.emplace(key);
        const toml::node* node = table_.get(key);
        if (node == nullptr) {
            ctx_.Add(Path(key), "is required");
            ctx_.unread.push_back(Path(key));
        }
        return node;
    }
    std::nullopt_t WrongType(std::string_view key, std::string_view expected, const toml::node& got) {
        ctx_.Add(Path(key), "must be " + std::string(expected) + " (got " + TypeName(got) + ")");
        ctx_.unread.push_back(Path(key));
        return std::nullopt;
    }

    FileContext& ctx_;
    std::string prefix_;
    const toml::table& table_;
    std::set<std::string, std::less<>> known_;
};

// Parses a TOML file; a missing file or a syntax error is a problem naming the file (and line and column).
std::optional<toml::table> ParseFile(const fs::path& path, const std::string& shown, Problems& problems) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
        problems.push_back(shown + ": file not found");
        return std::nullopt;
    }
    try {
        return toml::parse_file(path.string());
    } catch (const toml::parse_error& e) {
        const auto& where = e.source().begin;
        problems.push_back(shown + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) +
                           ": syntax error: " + std::string(e.description()));
        return std::nullopt;
    }
}

std::optional<RewardKind> ParseRewardKind(std::string_view name) {
    for (RewardKind kind : {RewardKind::kBonusMoney, RewardKind::kBonusAndDividend, RewardKind::kPoints}) {
        if (name == RewardKindName(kind)) return kind;
    }
    return std::nullopt;
}

template <typename T, typename U>
void Set(T& out, const std::optional<U>& v) {
    if (v) out = static_cast<T>(*v);
}

void ReadLadder(TableReader& points, FileContext& ctx, MarketRules& rules) {
    const toml::array* ladder = points.Array("ladder");
    if (ladder == nullptr) return;
    for (size_t i = 0; i < ladder->size(); ++i) {
        const std::string path = points.Path("ladder") + "[" + std::to_string(i) + "]";
        const auto* band = (*ladder)[i].as_table();
        if (band == nullptr) {
            ctx.Add(path, std::string("must be a table { from_minor, points_per_unit } (got ") +
                              TypeName((*ladder)[i]) + ")");
            ctx.unread.push_back(path);
            continue;
        }
        TableReader r(ctx, path, *band);
        core::LadderBand b;
        Set(b.from_minor, r.Int("from_minor"));
        Set(b.points_per_unit, r.Int("points_per_unit"));
        r.Finish();
        rules.ladder.push_back(b);
    }
}

// Reads a market file's keys into `rules`; value checks are ValidateMarketRules'.
void ReadMarket(TableReader& top, FileContext& ctx, MarketRules& rules) {
    Set(rules.code, top.String("code"));
    Set(rules.name, top.String("name"));
    Set(rules.currency, top.String("currency"));
    Set(rules.language, top.String("language"));
    Set(rules.time_zone, top.String("time_zone"));
    std::optional<RewardKind> reward;
    if (const auto name = top.String("reward")) {
        reward = ParseRewardKind(*name);
        if (!reward) {
            ctx.Add(top.Path("reward"), "unknown reward kind " + Quoted(*name) +
                                            " (one of \"bonus_money\", \"bonus_and_dividend\", \"points\")");
            ctx.incomplete = true;
        } else {
            rules.reward = *reward;
        }
    }

    if (auto m = top.Table("membership")) {
        Set(rules.member_min_age, m->SmallInt("member_min_age"));
        Set(rules.share_minor, m->Int("share_minor"));
        Set(rules.profile_functions, m->Strings("profile_functions"));
        Set(rules.profile_savings_rate_bp, m->Int("profile_savings_rate_bp"));
        m->Finish();
    }
    if (auto h = top.Table("households")) {
        Set(rules.owner_min_age, h->SmallInt("owner_min_age"));
        Set(rules.participant_min_age, h->SmallInt("participant_min_age"));
        Set(rules.max_participants, h->SmallInt("max_participants"));
        Set(rules.family_requires_new_login, h->Bool("family_requires_new_login"));
        h->Finish();
    }
    if (auto e = top.Table("earning")) {
        Set(rules.excluded_categories, e->Strings("excluded_categories"));
        Set(rules.excluded_tenders, e->Strings("excluded_tenders"));
        if (reward == RewardKind::kPoints) {
            e->Refuse("bonus_rate_bp", "not used when reward = \"points\" (the [points] ladder applies)");
        } else if (reward) {
            Set(rules.bonus_rate_bp, e->Int("bonus_rate_bp"));
        } else {
            e->Skip("bonus_rate_bp");
        }
        e->Finish();
    }
    if (reward == RewardKind::kPoints) {
        if (auto p = top.Table("points")) {
            ReadLadder(*p, ctx, rules);
            Set(rules.monthly_points_cap, p->Int("monthly_cap"));
            Set(rules.points_validity_months, p->SmallInt("validity_months"));
            Set(rules.voucher_points, p->Int("voucher_points"));
            Set(rules.voucher_value_minor, p->Int("voucher_value_minor"));
            p->Finish();
        }
    } else if (reward) {
        top.Refuse("points", "only for reward = \"points\" (this market's reward is " +
                                 Quoted(RewardKindName(*reward)) + ")");
    }
    if (reward == RewardKind::kBonusAndDividend) {
        if (auto d = top.Table("dividend")) {
            Set(rules.dividend_own_bp, d->Int("own_bp"));
            Set(rules.dividend_other_bp, d->Int("other_bp"));
            Set(rules.dividend_min_bp, d->Int("min_bp"));
            d->Finish();
        }
    } else if (reward) {
        top.Refuse("dividend", "only for reward = \"bonus_and_dividend\" (this market's reward is " +
                                   Quoted(RewardKindName(*reward)) + ")");
    }
    if (!reward) {  // cannot tell which sections belong: leave them unread rather than call them unknown
        top.Skip("points");
        top.Skip("dividend");
    }
    if (auto l = top.Table("lifecycle")) {
        Set(rules.inactivity_months, l->SmallInt("inactivity_months"));
        Set(rules.erasure_months, l->SmallInt("erasure_months"));
        if (l->Has("inactivity_notice_days"))
            Set(rules.inactivity_notice_days, l->SmallInt("inactivity_notice_days"));
        else
            l->Skip("inactivity_notice_days");
        if (l->Has("owner_exit"))
            Set(rules.owner_exit, l->String("owner_exit"));
        else
            l->Skip("owner_exit");
        l->Finish();
    }
    if (auto s = top.Table("self_scan")) {
        Set(rules.self_scan_min_age, s->SmallInt("min_age"));
        s->Finish();
    }
    if (auto a = top.Table("auth")) {
        Set(rules.bankid_login, a->Bool("bankid"));
        a->Finish();
    }
    top.Finish();
}

bool IsLowerCode(std::string_view s, size_t min_len, size_t max_len) {
    return s.size() >= min_len && s.size() <= max_len &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

bool IsSnakeCase(std::string_view s) {
    return !s.empty() && s[0] >= 'a' && s[0] <= 'z' && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

// An IANA time zone name with a compiled zone file (TZif) under the zoneinfo directory.
std::optional<std::string> TimeZoneProblem(const std::string& name, const std::string& zoneinfo_dir) {
    const bool safe_chars = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
               c == '_' || c == '-' || c == '+';
    });
    if (!safe_chars || name.front() == '/' || name.find("//") != std::string::npos) {
        return "must be an IANA time zone name such as \"Europe/Stockholm\" (got " + Quoted(name) + ")";
    }
    std::ifstream in(fs::path(zoneinfo_dir) / name, std::ios::binary);
    char magic[4] = {};
    if (!in || !in.read(magic, 4) || std::string_view(magic, 4) != "TZif") {
        return "unknown time zone " + Quoted(name) + " (no zone file under " + zoneinfo_dir + ")";
    }
    return std::nullopt;
}

void CheckBasisPoints(FileContext& ctx, std::string_view key, int64_t bp) {
    if (bp < 0 || bp > 10'000) ctx.Add(key, BetweenProblem(0, 10'000, bp) + " basis points");
}

void CheckRange(FileContext& ctx, std::string_view key, int64_t v, int64_t lo, int64_t hi) {
    if (v < lo || v > hi) ctx.Add(key, BetweenProblem(lo, hi, v));
}

void CheckAmount(FileContext& ctx, std::string_view key, int64_t minor, int64_t max_minor) {
    if (minor < 0) {
        ctx.Add(key, "must not be negative (got " + std::to_string(minor) + ")");
    } else if (minor > max_minor) {
        ctx.Add(key, BetweenProblem(0, max_minor, minor));
    }
}

void CheckNames(FileContext& ctx, const std::string& key, const std::vector<std::string>& names,
                const std::function<std::optional<std::string>(const std::string&)>& problem_of) {
    std::set<std::string> seen;
    for (size_t i = 0; i < names.size(); ++i) {
        const std::string item = key + "[" + std::to_string(i) + "]";
        if (!seen.insert(names[i]).second) ctx.Add(item, "duplicate " + Quoted(names[i]));
        if (auto p = problem_of(names[i])) ctx.Add(item, *p);
    }
}

void ValidateLadder(FileContext& ctx, const MarketRules& r) {
    if (r.ladder.empty()) {
        ctx.Add("points.ladder", "must have at least one band (R_BON_3)");
        return;
    }
    if (r.ladder.front().from_minor != 0) {
        ctx.Add("points.ladder[0].from_minor",
                "the first band must start at 0 (got " + std::to_string(r.ladder.front().from_minor) + ")");
    }
    for (size_t i = 0; i < r.ladder.size(); ++i) {
        const std::string band = "points.ladder[" + std::to_string(i) + "]";
        const auto& b = r.ladder[i];
        CheckRange(ctx, band + ".points_per_unit", b.points_per_unit, 0, 10'000);
        if (i == 0) continue;
        const auto& prev = r.ladder[i - 1];
        if (b.from_minor <= prev.from_minor) {
            ctx.Add(band + ".from_minor", "bands must be strictly increasing: must be greater than " +
                                              std::to_string(prev.from_minor) + " (got " +
                                              std::to_string(b.from_minor) + ") (R_BON_3)");
        }
        if (b.points_per_unit < prev.points_per_unit) {
            ctx.Add(band + ".points_per_unit", "the ladder is progressive: must be at least " +
                                                   std::to_string(prev.points_per_unit) + " (got " +
                                                   std::to_string(b.points_per_unit) + ") (R_BON_3)");
        }
    }
}

}  // namespace

const char* RewardKindName(RewardKind kind) {
    switch (kind) {
        case RewardKind::kBonusMoney:
            return "bonus_money";
        case RewardKind::kBonusAndDividend:
            return "bonus_and_dividend";
        case RewardKind::kPoints:
            return "points";
    }
    return "?";
}

std::vector<std::string> ValidateMarketRules(const MarketRules& r, const std::string& file,
                                             const std::string& zoneinfo_dir) {
    Problems problems;
    FileContext ctx{file, problems};
    constexpr int kMaxAge = 120;
    constexpr int64_t kMaxShareMinor = 100'000'000;         // 1 000 000 currency units
    constexpr int64_t kMaxPointsMinor = 1'000'000'000'000;  // no plausible value comes near

    if (!IsLowerCode(r.code, 2, 2))
        ctx.Add("code", "must be two lower-case letters (got " + Quoted(r.code) + ")");
    if (r.name.empty()) ctx.Add("name", "must not be empty");
    if (r.currency.size() != 3 ||
        !std::all_of(r.currency.begin(), r.currency.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
        ctx.Add("currency",
                "must be an ISO 4217 code of 3 upper-case letters (got " + Quoted(r.currency) + ")");
    }
    if (!IsLowerCode(r.language, 2, 3)) {
        ctx.Add("language",
                "must be an ISO 639 code of 2-3 lower-case letters (got " + Quoted(r.language) + ")");
    }
    if (auto p = TimeZoneProblem(r.time_zone, zoneinfo_dir)) ctx.Add("time_zone", *p);

    // Membership (R_MEM_1 to R_MEM_5)
    CheckRange(ctx, "membership.member_min_age", r.member_min_age, 0, kMaxAge);
    CheckAmount(ctx, "membership.share_minor", r.share_minor, kMaxShareMinor);
    CheckBasisPoints(ctx, "membership.profile_savings_rate_bp", r.profile_savings_rate_bp);
    CheckNames(ctx, "membership.profile_functions", r.profile_functions,
               [](const std::string& f) -> std::optional<std::string> {
                   if (f == "price_checker") return "the price checker is for members only (R_OFF_2)";
                   if (kProfileFunctions.count(f) == 0) {
                       return "unknown function " + Quoted(f) + " (one of " + Join(kProfileFunctions) + ")";
                   }
                   return std::nullopt;
               });
    const bool has_savings = std::find(r.profile_functions.begin(), r.profile_functions.end(), "savings") !=
                             r.profile_functions.end();
    if (has_savings && r.profile_savings_rate_bp <= 0) {
        ctx.Add("membership.profile_savings_rate_bp",
                "must be above 0 when membership.profile_functions lists \"savings\" (R_MEM_2)");
    }

    // Households (R_HH_2, R_HH_3)
    CheckRange(ctx, "households.owner_min_age", r.owner_min_age, 0, kMaxAge);
    CheckRange(ctx, "households.participant_min_age", r.participant_min_age, 0, kMaxAge);
    CheckRange(ctx, "households.max_participants", r.max_participants, 0, 100);
    if (r.participant_min_age > r.owner_min_age) {
        ctx.Add("households.participant_min_age", "must not exceed households.owner_min_age (" +
                                                      std::to_string(r.owner_min_age) + ") (got " +
                                                      std::to_string(r.participant_min_age) + ") (R_HH_2)");
    }
    if (r.owner_min_age < r.member_min_age) {
        ctx.Add("households.owner_min_age",
                "the owner is a member: must be at least membership.member_min_age (" +
                    std::to_string(r.member_min_age) + ") (got " + std::to_string(r.owner_min_age) +
                    ") (R_HH_2)");
    }

    // Earning (R_BON_2 to R_BON_7)
    CheckNames(ctx, "earning.excluded_categories", r.excluded_categories,
               [](const std::string& c) -> std::optional<std::string> {
                   if (!IsSnakeCase(c)) return "must be a snake_case category name (got " + Quoted(c) + ")";
                   return std::nullopt;
               });
    CheckNames(ctx, "earning.excluded_tenders", r.excluded_tenders,
               [](const std::string& t) -> std::optional<std::string> {
                   if (t == "gift_card" || t == "gift_cards") {
                       return "paying with a gift card earns; only buying one is excluded (R_BON_2)";
                   }
                   if (kExcludableTenders.count(t) == 0) {
                       return "unknown tender " + Quoted(t) + " (one of " + Join(kExcludableTenders) + ")";
                   }
                   return std::nullopt;
               });
    switch (r.reward) {
        case RewardKind::kPoints:
            ValidateLadder(ctx, r);
            CheckAmount(ctx, "points.monthly_cap", r.monthly_points_cap, kMaxPointsMinor);
            CheckRange(ctx, "points.validity_months", r.points_validity_months, 1, 240);
            CheckRange(ctx, "points.voucher_points", r.voucher_points, 1, kMaxPointsMinor);
            CheckRange(ctx, "points.voucher_value_minor", r.voucher_value_minor, 1, kMaxShareMinor);
            break;
        case RewardKind::kBonusAndDividend:
            CheckBasisPoints(ctx, "dividend.own_bp", r.dividend_own_bp);
            CheckBasisPoints(ctx, "dividend.other_bp", r.dividend_other_bp);
            CheckBasisPoints(ctx, "dividend.min_bp", r.dividend_min_bp);
            if (r.dividend_own_bp < r.dividend_min_bp) {
                ctx.Add("dividend.own_bp", "must be at least dividend.min_bp (" +
                                               std::to_string(r.dividend_min_bp) + ") (got " +
                                               std::to_string(r.dividend_own_bp) + ") (R_BON_7)");
            }
            [[fallthrough]];
        case RewardKind::kBonusMoney:
            CheckBasisPoints(ctx, "earning.bonus_rate_bp", r.bonus_rate_bp);
            break;
    }

    // Lifecycle, privacy, self-scanning (R_LIFE_3, R_PRIV_3, R_SCAN_1)
    CheckRange(ctx, "lifecycle.inactivity_months", r.inactivity_months, 1, 240);
    CheckRange(ctx, "lifecycle.erasure_months", r.erasure_months, 1, 240);
    CheckRange(ctx, "lifecycle.inactivity_notice_days", r.inactivity_notice_days, 1, 365);
    if (r.owner_exit != "hand_over" && r.owner_exit != "end_household")
        ctx.Add("lifecycle.owner_exit",
                "must be \"hand_over\" or \"end_household\" (got \"" + r.owner_exit + "\")");
    CheckRange(ctx, "self_scan.min_age", r.self_scan_min_age, 0, kMaxAge);
    return problems;
}

EnvLookup ProcessEnvironment() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe): read at start-up only
        if (v == nullptr) return std::nullopt;
        return std::string(v);
    };
}

namespace {

// The checks of andel.toml's values, shared by the file and the ANDEL_* variables so that each problem names
// where the value came from.
std::optional<std::string> AddressProblem(const std::string& v) {
    if (v.empty() || v.find_first_of(" \t\r\n") != std::string::npos) {
        return "must be a host name or IP address (got " + Quoted(v) + ")";
    }
    return std::nullopt;
}
std::optional<std::string> DatabaseUrlProblem(const std::string& v) {
    const bool sqlite = v.starts_with("sqlite:") && v.size() > 7;
    const bool postgres = v.starts_with("postgresql://") || v.starts_with("postgres://");
    if (!sqlite && !postgres) {
        return "must be \"sqlite:<path>\" or \"postgresql://...\" (got " +
               Quoted(v.substr(0, std::min<size_t>(v.size(), 16))) + (v.size() > 16 ? "...)" : ")");
    }
    return std::nullopt;
}
std::optional<std::string> NationalIdKeyProblem(const std::string& v) {  // never echo the secret
    if (v.size() < kMinNationalIdKeyChars) {
        return "must be at least " + std::to_string(kMinNationalIdKeyChars) + " characters (got " +
               std::to_string(v.size()) + ")";
    }
    return std::nullopt;
}
std::optional<std::string> OneOfProblem(const std::string& v,
                                        const std::set<std::string, std::less<>>& names) {
    if (names.count(v) == 0) return "must be one of " + Join(names) + " (got " + Quoted(v) + ")";
    return std::nullopt;
}

struct IntLimit {
    int64_t lo;
    int64_t hi;
};
constexpr IntLimit kPort{1, 65'535};
constexpr IntLimit kThreads{1, 256};
constexpr IntLimit kHeaderBytes{1024, 1024 * 1024};
constexpr IntLimit kBodyBytes{1, 64 * 1024 * 1024};
constexpr IntLimit kTimeoutMs{1, 600'000};
constexpr IntLimit kConnections{1, 1'000'000};
constexpr IntLimit kPollMs{0, 60'000};

template <typename T>
void ReadServerInt(TableReader& r, std::string_view key, IntLimit limit, T& out) {
    Set(out, r.IntIn(key, limit.lo, limit.hi));
}

void ReadMain(TableReader& top, FileContext& ctx, Config& config, std::vector<std::string>& market_codes) {
    auto check = [&](std::string_view key, const std::optional<std::string>& problem) {
        if (problem) ctx.Add(key, *problem);
    };
    if (const auto markets = top.Strings("markets")) {
        market_codes = *markets;
        if (market_codes.empty()) ctx.Add("markets", "must name at least one market");
        std::set<std::string> seen;
        for (size_t i = 0; i < market_codes.size(); ++i) {
            const std::string key = "markets[" + std::to_string(i) + "]";
            if (!IsLowerCode(market_codes[i], 2, 2)) {
                ctx.Add(key, "must be a market code of two lower-case letters (got " +
                                 Quoted(market_codes[i]) + ")");
            } else if (!seen.insert(market_codes[i]).second) {
                ctx.Add(key, "duplicate " + Quoted(market_codes[i]));
            }
        }
    }
    if (auto s = top.Table("server")) {
        ServerConfig& sc = config.server;
        if (auto v = s->String("address")) {
            sc.address = *v;
            check("server.address", AddressProblem(*v));
        }
        ReadServerInt(*s, "port", kPort, sc.port);
        ReadServerInt(*s, "threads", kThreads, sc.threads);
        ReadServerInt(*s, "max_header_bytes", kHeaderBytes, sc.max_header_bytes);
        ReadServerInt(*s, "max_body_bytes", kBodyBytes, sc.max_body_bytes);
        ReadServerInt(*s, "read_timeout_ms", kTimeoutMs, sc.read_timeout_ms);
        ReadServerInt(*s, "idle_timeout_ms", kTimeoutMs, sc.idle_timeout_ms);
        ReadServerInt(*s, "write_timeout_ms", kTimeoutMs, sc.write_timeout_ms);
        ReadServerInt(*s, "max_connections", kConnections, sc.max_connections);
        ReadServerInt(*s, "till_cache_poll_ms", kPollMs, sc.till_cache_poll_ms);
        if (auto v = s->Strings("trusted_proxies")) {
            sc.trusted_proxies = *v;
            for (size_t i = 0; i < v->size(); ++i)
                if (auto p = AddressProblem((*v)[i]))
                    ctx.Add("server.trusted_proxies[" + std::to_string(i) + "]", *p);
        }
        s->Finish();
    }
    if (auto d = top.Table("database")) {
        if (auto v = d->String("url")) {
            config.database_url = *v;
            check("database.url", DatabaseUrlProblem(*v));
        }
        d->Finish();
    }
    if (auto s = top.Table("security")) {
        if (auto v = s->String("national_id_key")) {
            config.national_id_key = *v;
            check("security.national_id_key", NationalIdKeyProblem(*v));
        }
        if (auto v = s->String("secret_key")) {
            config.secret_key = *v;
            check("security.secret_key", NationalIdKeyProblem(*v));
        }
        s->Finish();
    }
    if (auto a = top.Table("auth")) {
        auto& as = config.auth;
        if (auto v = a->IntIn("argon2_iterations", 1, 10))
            as.password_cost.iterations = static_cast<uint64_t>(*v);
        if (auto v = a->IntIn("argon2_memory_kib", 8, 4 * 1024 * 1024))
            as.password_cost.memory_bytes = static_cast<size_t>(*v) * 1024;
        if (auto v = a->IntIn("app_session_days", 1, 400)) as.app_session_ms = *v * 24 * 3600 * 1000;
        if (auto v = a->IntIn("web_session_hours", 1, 24 * 7)) as.web_session_ms = *v * 3600 * 1000;
        if (auto v = a->IntIn("code_minutes", 1, 30)) as.code_ms = *v * 60 * 1000;
        if (auto v = a->IntIn("code_attempts", 1, 10)) as.code_attempts = static_cast<int>(*v);
        if (auto v = a->IntIn("account_failures", 1, 100)) as.account_failures = static_cast<int>(*v);
        if (auto v = a->IntIn("account_lock_minutes", 1, 24 * 60)) as.account_lock_ms = *v * 60 * 1000;
        if (auto v = a->IntIn("address_failures", 1, 100'000)) as.address_failures = static_cast<int>(*v);
        if (auto v = a->IntIn("session_cache_ms", 0, 60'000)) as.session_cache_ms = *v;
        if (auto v = a->String("public_base_url")) {
            as.public_base_url = *v;
            if (!v->starts_with("http://") && !v->starts_with("https://"))
                ctx.Add("auth.public_base_url",
                        "must start with http:// or https:// (got " + Quoted(*v) + ")");
        }
        a->Finish();
    }
    if (auto n = top.Table("notify")) {
        auto& nc = config.notify;
        if (auto v = n->String("smtp_url")) {
            nc.smtp_url = *v;
            if (!v->empty() && !v->starts_with("smtp://") && !v->starts_with("smtps://"))
                ctx.Add("notify.smtp_url",
                        "must be empty or start with smtp:// or smtps:// (got " + Quoted(*v) + ")");
        }
        if (auto v = n->String("smtp_from")) nc.smtp_from = *v;
        if (auto v = n->String("smtp_username")) nc.smtp_username = *v;
        if (auto v = n->String("smtp_password")) nc.smtp_password = *v;
        if (auto v = n->String("sms_gateway_url")) {
            nc.sms_gateway_url = *v;
            if (!v->empty() && !v->starts_with("http://") && !v->starts_with("https://"))
                ctx.Add("notify.sms_gateway_url",
                        "must be empty or start with http:// or https:// (got " + Quoted(*v) + ")");
        }
        if (auto v = n->String("sms_body_template")) {
            nc.sms_body_template = *v;
            if (v->find("{{text}}") == std::string::npos)
                ctx.Add("notify.sms_body_template", "must contain {{text}}");
        }
        if (auto v = n->String("sms_authorization")) nc.sms_authorization = *v;
        if (auto v = n->IntIn("dispatch_interval_ms", 10, 600'000))
            nc.dispatch_interval_ms = static_cast<int>(*v);
        n->Finish();
    }
    if (auto o = top.Table("oidc")) {
        auto& oc = config.oidc;
        if (auto v = o->String("issuer")) oc.issuer = *v;
        if (auto v = o->String("client_id")) oc.client_id = *v;
        if (auto v = o->String("client_secret")) oc.client_secret = *v;
        if (auto v = o->String("redirect_uri")) oc.redirect_uri = *v;
        if (!oc.issuer.empty() && (oc.client_id.empty() || oc.redirect_uri.empty()))
            ctx.Add("oidc.client_id", "client_id and redirect_uri are required when an issuer is set");
        o->Finish();
    }
    if (top.Has("payments")) {
        auto p = top.Table("payments");
        if (p) {
            if (p->Has("provider_url")) {
                if (auto v = p->String("provider_url")) config.payments.provider_url = *v;
            }
            if (p->Has("provider_key")) {
                if (auto v = p->String("provider_key")) config.payments.provider_key = *v;
            }
            if (p->Has("timeout_ms")) {
                if (auto v = p->IntIn("timeout_ms", 100, 60'000))
                    config.payments.timeout_ms = static_cast<int>(*v);
            }
            if (!config.payments.provider_url.empty() &&
                !config.payments.provider_url.starts_with("https://") &&
                !config.payments.provider_url.starts_with("http://127.0.0.1"))
                ctx.Add("payments.provider_url",
                        "must be https:// (or http://127.0.0.1 for a local test provider)");
            p->Finish();
        }
    }
    if (top.Has("self_scan")) {
        if (auto t = top.Table("self_scan")) {
            auto& a = config.self_scan;
            if (t->Has("base_ppm"))
                if (auto v = t->IntIn("base_ppm", 0, 1'000'000)) a.base_ppm = *v;
            if (t->Has("step_ppm"))
                if (auto v = t->IntIn("step_ppm", 0, 1'000'000)) a.step_ppm = *v;
            if (t->Has("cap_ppm"))
                if (auto v = t->IntIn("cap_ppm", 0, 1'000'000)) a.cap_ppm = *v;
            if (t->Has("half_life_days"))
                if (auto v = t->IntIn("half_life_days", 1, 3650)) a.half_life_days = *v;
            if (t->Has("seed"))
                if (auto v = t->IntIn("seed", 0, INT64_MAX)) a.seed = static_cast<uint64_t>(*v);
            if (a.base_ppm > a.cap_ppm) ctx.Add("self_scan.base_ppm", "must not exceed cap_ppm");
            t->Finish();
        }
    }
    if (top.Has("partners")) {
        auto p = top.Table("partners");
        if (const toml::array* list = p ? p->Array("categories") : nullptr) {
            config.partner_categories.clear();
            std::set<std::string> seen;
            for (size_t i = 0; i < list->size(); ++i) {
                const std::string path = "partners.categories[" + std::to_string(i) + "]";
                const auto* t = (*list)[i].as_table();
                if (t == nullptr) {
                    ctx.Add(path, "must be a table { code, da, nb, sv, en }");
                    continue;
                }
                TableReader r(ctx, path, *t);
                PartnerCategory category;
                if (auto v = r.String("code")) {
                    category.code = *v;
                    if (!IsSnakeCase(*v) || v->size() > 40)
                        ctx.Add(path + ".code",
                                "must be snake_case, at most 40 characters (got " + Quoted(*v) + ")");
                    else if (!seen.insert(*v).second)
                        ctx.Add(path + ".code", "duplicate " + Quoted(*v));
                }
                for (const char* language : {"da", "nb", "sv", "en"})
                    if (auto v = r.String(language)) category.labels[language] = *v;
                r.Finish();
                config.partner_categories.push_back(std::move(category));
            }
            if (list->empty()) ctx.Add("partners.categories", "must name at least one category");
        }
        if (p) p->Finish();
    }
    if (auto l = top.Table("log")) {
        if (auto v = l->String("level")) {
            config.log_level = *v;
            check("log.level", OneOfProblem(*v, kLogLevels));
        }
        if (auto v = l->String("format")) {
            config.log_format = *v;
            check("log.format", OneOfProblem(*v, kLogFormats));
        }
        l->Finish();
    }
    top.Finish();
}

// Whether a value problem blames, or mentions as the other side of a cross-field rule, a key that could not
// be read (its value is a default, so the problem would be noise).
bool InvolvesUnread(std::string_view problem, const std::string& file,
                    const std::vector<std::string>& unread) {
    problem.remove_prefix(std::min(problem.size(), file.size() + 2));  // "<file>: "
    const std::string_view blamed = problem.substr(0, problem.find(": "));
    for (const auto& key : unread) {
        if (blamed == key || blamed.starts_with(key + ".") || blamed.starts_with(key + "[")) return true;
        if (key.find('.') != std::string::npos && problem.find(key) != std::string_view::npos) return true;
    }
    return false;
}

std::optional<int64_t> ParseInt(const std::string& s) {
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

// Applies the ANDEL_* overrides; each problem names the variable and the key it overrides.
void ApplyEnvironment(const EnvLookup& getenv, Config& config, Problems& problems) {
    auto string_var = [&](const std::string& var, std::string_view key, std::string& out,
                          const std::function<std::optional<std::string>(const std::string&)>& problem_of) {
        const auto v = getenv(var);
        if (!v) return;
        if (auto p = problem_of(*v)) problems.push_back(Problem(var, key, *p));
        out = *v;
    };
    auto int_var = [&](const std::string& var, std::string_view key, IntLimit limit, auto& out) {
        const auto v = getenv(var);
        if (!v) return;
        const auto n = ParseInt(*v);
        if (!n) {
            problems.push_back(Problem(var, key, "must be an integer (got " + Quoted(*v) + ")"));
        } else if (*n < limit.lo || *n > limit.hi) {
            problems.push_back(Problem(var, key, BetweenProblem(limit.lo, limit.hi, *n)));
        } else {
            out = static_cast<std::remove_reference_t<decltype(out)>>(*n);
        }
    };
    string_var("ANDEL_SERVER_ADDRESS", "server.address", config.server.address, AddressProblem);
    int_var("ANDEL_SERVER_PORT", "server.port", kPort, config.server.port);
    int_var("ANDEL_SERVER_THREADS", "server.threads", kThreads, config.server.threads);
    string_var("ANDEL_DATABASE_URL", "database.url", config.database_url, DatabaseUrlProblem);
    string_var("ANDEL_SECURITY_NATIONAL_ID_KEY", "security.national_id_key", config.national_id_key,
               NationalIdKeyProblem);
    string_var("ANDEL_SECURITY_SECRET_KEY", "security.secret_key", config.secret_key, NationalIdKeyProblem);
    auto secret_var = [&](const std::string& var, std::string& out) {
        if (auto v = getenv(var)) out = *v;
    };
    secret_var("ANDEL_NOTIFY_SMTP_PASSWORD", config.notify.smtp_password);
    secret_var("ANDEL_NOTIFY_SMS_AUTHORIZATION", config.notify.sms_authorization);
    secret_var("ANDEL_OIDC_CLIENT_SECRET", config.oidc.client_secret);
    secret_var("ANDEL_PAYMENTS_PROVIDER_KEY", config.payments.provider_key);
    string_var("ANDEL_LOG_LEVEL", "log.level", config.log_level,
               [](const std::string& v) { return OneOfProblem(v, kLogLevels); });
}

}  // namespace

core::Result<Config> LoadConfig(const std::string& dir, const EnvLookup& getenv) {
    Problems problems;
    Config config;
    config.config_dir = dir;

    const fs::path main_path = fs::path(dir) / "andel.toml";
    std::vector<std::string> market_codes;
    if (auto table = ParseFile(main_path, main_path.generic_string(), problems)) {
        FileContext ctx{main_path.generic_string(), problems};
        TableReader top(ctx, "", *table);
        ReadMain(top, ctx, config, market_codes);
    }

    for (const auto& code : market_codes) {
        if (!IsLowerCode(code, 2, 2) || config.markets.count(code) != 0) continue;  // reported above
        const fs::path path = fs::path(dir) / "markets" / (code + ".toml");
        const std::string shown = path.generic_string();
        std::error_code ec;
        if (!fs::is_regular_file(path, ec)) {
            problems.push_back(Problem(main_path.generic_string(), "markets",
                                       "names market " + Quoted(code) + " but " + shown + " does not exist"));
            continue;
        }
        auto table = ParseFile(path, shown, problems);
        if (!table) continue;
        FileContext ctx{shown, problems};
        MarketRules rules;
        TableReader top(ctx, "", *table);
        ReadMarket(top, ctx, rules);
        if (!ctx.incomplete) {
            for (auto& p : ValidateMarketRules(rules, shown)) {
                if (!InvolvesUnread(p, shown, ctx.unread)) problems.push_back(std::move(p));
            }
            if (rules.code != code && IsLowerCode(rules.code, 2, 2)) {
                ctx.Add("code",
                        "must match the file name " + Quoted(code) + " (got " + Quoted(rules.code) + ")");
            }
        }
        config.markets.emplace(code, std::move(rules));
    }

    ApplyEnvironment(getenv, config, problems);

    if (!problems.empty()) {
        std::string detail;
        for (const auto& p : problems) detail += (detail.empty() ? "" : "\n") + p;
        return core::Error::Invalid(std::move(detail));
    }
    return config;
}

}  // namespace andel::app
