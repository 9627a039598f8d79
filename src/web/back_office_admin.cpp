// The back office's administration (issue 8 §2): partners and their agreements, offers and their reports,
// the re-login campaigns, and the reports (partner bonus per home store, the dividend runs), as plain HTML
// forms over the services the API's routes call. Each page admits the roles its API route declares
// (api/openapi.yaml, x-andel-roles): partners, offers and the reports are the back office's (an admin's
// session carries that role), the re-login campaigns an admin's too; customer service gets the 403 page. A
// refused form is shown again with what was typed and, next to each field, why; nothing is changed.
#include <date/tz.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "app/ledger/dividend_job.hpp"
#include "app/local_time.hpp"
#include "core/catalogue/ean.hpp"
#include "core/membership/numbers.hpp"
#include "http/urlencoded.hpp"
#include "store/access/account_repository.hpp"
#include "store/ledger/dividend_run_repository.hpp"
#include "store/membership/membership_repository.hpp"
#include "web/page.hpp"
#include "web/render.hpp"
#include "web/web.hpp"

namespace andel::web {
namespace {

using http::Context;
using http::Response;
using nlohmann::json;
namespace auth = app::auth;

const Catalogue& Cat() { return Catalogue::Embedded(); }

// Who reaches the back office at all (GET /api/v1/members), as in back_office.cpp.
const std::set<std::string> kStaff = {app::kRoleBackOffice, auth::kRoleServiceAgent};
// /api/v1/partners..., /offers... and /partner-reports; the dividend run, the ledger's, likewise.
const std::set<std::string> kBackOffice = {app::kRoleBackOffice};
// /api/v1/relogin-campaigns... and POST /api/v1/jobs/relogin.
const std::set<std::string> kOperators = {auth::kRoleAdmin, app::kRoleBackOffice};

const std::vector<std::string> kOfferKinds = {"member_price", "percent_off",  "amount_off",  "multi_buy",
                                              "extra_bonus",  "extra_points", "points_bonus"};
constexpr int kWaves = 3;  // waves the campaign form offers (the API takes up to 50)
constexpr int64_t kMaxAmount = 1'000'000'000;

bool StaffSession(const Context& ctx) {
    const http::Principal& p = ctx.principal;
    return p.account_id.has_value() && p.by_cookie && !p.member_id.has_value() && p.HasAny(kStaff);
}

// Staff see the pages in their account's language unless they chose another.
std::string StaffLanguage(http::Services& s, const Context& ctx) {
    std::string preferred;
    auto c = s.db.Read();
    if (auto a = store::AccountRepository(*c).Find(*ctx.principal.account_id)) preferred = a->language;
    return ChooseLanguage(ctx.request, preferred);
}

// Only staff whose role the page's API route admits get in: a forged form is refused (403), a visitor
// without a session goes to the login, anyone else gets the 403 page.
std::optional<Response> Enter(const Context& ctx, http::Services& s, const std::set<std::string>& roles,
                              std::string& lang) {
    if (StaffSession(ctx)) {
        lang = StaffLanguage(s, ctx);
        if (ctx.principal.HasAny(roles)) return std::nullopt;
        return ErrorPage(ctx, s, lang, 403, "bo_error_forbidden");
    }
    lang = ChooseLanguage(ctx.request);
    if (ctx.principal.csrf_refused) return ErrorPage(ctx, s, lang, 403, "error_csrf");
    if (!ctx.principal.account_id || !ctx.principal.by_cookie) return SeeOther("/login");
    return ErrorPage(ctx, s, lang, 403, "bo_error_forbidden");
}

using PageRun = std::function<Response(Context&, const std::string& lang)>;

// A page or form of the administration: the gate, then `run` in the staff member's language; a service
// this deployment runs without is a page that does not exist.
http::RouteHandler Staff(http::Services& s, std::set<std::string> roles, bool available, PageRun run) {
    return [&s, roles = std::move(roles), available, run = std::move(run)](Context& ctx) {
        std::string lang;
        if (auto refused = Enter(ctx, s, roles, lang)) return *refused;
        if (!available) return ErrorPage(ctx, s, lang, 404, "error_not_found");
        return run(ctx, lang);
    };
}

std::string Trim(const std::string& v) {
    size_t a = v.find_first_not_of(" \t\r\n"), b = v.find_last_not_of(" \t\r\n");
    return a == std::string::npos ? std::string() : v.substr(a, b - a + 1);
}

std::string Typed(const Form& form, const std::string& name) { return Trim(Field(form, name)); }

bool IsDate(const std::string& v) {
    core::Date d;
    return core::ParseDate(v, d);
}

// A partner's code (and an agreement's category): 1 to 64 of a-z, 0-9, '-' and '_'.
bool IsCode(const std::string& v) {
    return !v.empty() && v.size() <= 64 && std::all_of(v.begin(), v.end(), [](unsigned char c) {
        return std::islower(c) || std::isdigit(c) || c == '-' || c == '_';
    });
}

bool IsUrl(const std::string& v) {
    return v.size() > 8 && v.size() <= 500 && (v.starts_with("https://") || v.starts_with("http://"));
}

// An amount or a percentage as staff type it ("9,95", "1 234.50", "5"): in hundredths (minor units, basis
// points), 0 to `max`; spaces may group the thousands.
std::optional<int64_t> ParseHundredths(const std::string& text, int64_t max) {
    std::string v;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == ' ') continue;
        if (text.compare(i, 2, "\u00a0") == 0) {
            ++i;
            continue;
        }
        v += text[i];
    }
    size_t sep = v.find_first_of(",.");
    std::string whole = v.substr(0, sep), cents = sep == std::string::npos ? "" : v.substr(sep + 1);
    if (whole.empty() || whole.size() > 10 || !core::AllDigits(whole)) return std::nullopt;
    if (sep != std::string::npos && (cents.empty() || cents.size() > 2 || !core::AllDigits(cents)))
        return std::nullopt;
    if (cents.size() == 1) cents += '0';
    int64_t n = std::stoll(whole) * 100 + (cents.empty() ? 0 : std::stoll(cents));
    return n <= max ? std::optional<int64_t>(n) : std::nullopt;
}

std::optional<int64_t> ParseWhole(const std::string& v, int64_t lo, int64_t hi) {
    if (v.empty() || v.size() > 10 || !core::AllDigits(v)) return std::nullopt;
    int64_t n = std::stoll(v);
    return n >= lo && n <= hi ? std::optional<int64_t>(n) : std::nullopt;
}

// "5 %", "2,5 %" ("5%", "2.5%" in English).
std::string Percent(int64_t bp, const std::string& lang) {
    std::string out = std::to_string(bp / 100);
    if (int64_t rest = bp % 100; rest != 0) {
        out += (lang == "en" ? "." : ",") + std::to_string(rest / 10);
        if (rest % 10 != 0) out += std::to_string(rest % 10);
    }
    return out + (lang == "en" ? "%" : "\u00a0%");
}

// What staff typed into a datetime-local field ("2026-12-01T08:00"), in the zone: the instant.
std::optional<core::Timestamp> ParseLocalTime(const std::string& v, const std::string& time_zone) {
    core::Date day;
    if (v.size() < 16 || v[10] != 'T' || v[13] != ':' || !core::ParseDate(v.substr(0, 10), day))
        return std::nullopt;
    std::string hh = v.substr(11, 2), mm = v.substr(14, 2);
    if (!core::AllDigits(hh) || !core::AllDigits(mm) || (v.size() != 16 && v.substr(16) != ":00"))
        return std::nullopt;
    int hour = std::stoi(hh), minute = std::stoi(mm);
    if (hour > 23 || minute > 59) return std::nullopt;
    date::local_days local{date::year{static_cast<int>(day.year())} /
                           date::month{static_cast<unsigned>(day.month())} /
                           date::day{static_cast<unsigned>(day.day())}};
    auto at = date::locate_zone(time_zone)->to_sys(
        local + std::chrono::hours(hour) + std::chrono::minutes(minute), date::choose::earliest);
    return std::chrono::time_point_cast<std::chrono::milliseconds>(at);
}

// Today in the market's time zone (UTC for none), as "YYYY-MM-DD".
std::string Today(http::Services& s, const std::string& market) {
    auto m = s.markets.find(market);
    return core::FormatDate(
        app::LocalDate(m == s.markets.end() ? "UTC" : m->second.time_zone, s.clock.Now()));
}

std::string ZoneOf(http::Services& s, const std::optional<std::string>& market) {
    auto m = market ? s.markets.find(*market) : s.markets.end();
    return m == s.markets.end() ? "UTC" : m->second.time_zone;
}

std::string CurrencyOf(http::Services& s, const std::string& market) {
    auto m = s.markets.find(market);
    return m == s.markets.end() ? "EUR" : m->second.currency;
}

std::string MarketName(http::Services& s, const std::string& market) {
    auto m = s.markets.find(market);
    return m == s.markets.end() ? market : m->second.name + " (" + market + ")";
}

using Options = std::vector<std::pair<std::string, std::string>>;  // value, label

Options MarketOptions(http::Services& s, const std::string& all_key, const std::string& lang) {
    Options out;
    if (!all_key.empty()) out.emplace_back("", Cat().Text(all_key, lang));
    for (const auto& [code, rules] : s.markets) out.emplace_back(code, MarketName(s, code));
    return out;
}

bool HasOption(const Options& options, const std::string& value) {
    return std::any_of(options.begin(), options.end(), [&](const auto& o) { return o.first == value; });
}

// A market filter from the query: a market of this deployment, or all of them.
std::string MarketFilter(http::Services& s, const Context& ctx) {
    std::string m = ctx.request.Query("market").value_or("");
    return s.markets.contains(m) ? m : std::string();
}

// "?done=" of a page, as the notice the page shows (bo_admin_done_<done>).
json Notice(const Context& ctx, const std::string& lang) {
    auto done = ctx.request.Query("done");
    if (!done || done->size() > 30) return nullptr;
    std::string key = "bo_admin_done_" + *done;
    std::replace(key.begin(), key.end(), '-', '_');
    return Cat().Has(key) ? json(Cat().Text(key, lang)) : json(nullptr);
}

json OrNull(const std::string& v) { return v.empty() ? json(nullptr) : json(v); }

// "w2_deadline": a field of the campaign form's second wave.
bool WaveOf(const std::string& field) {
    return field.size() > 3 && field[0] == 'w' && std::isdigit(static_cast<unsigned char>(field[1])) &&
           field[2] == '_';
}

// A form refused, to show again on its page: which of the page's forms, what was typed, and why: per field,
// and the form's own message under "".
struct Refusal {
    int status = 200;
    std::string form;
    Form typed;
    std::map<std::string, std::string> errors;

    Refusal() = default;
    Refusal(std::string form_id, Form fields, std::string lang)
        : status(400), form(std::move(form_id)), typed(std::move(fields)), lang_(std::move(lang)) {}
    // `field` is refused, in the words of bo_<form>_error_<message>: by default the field's own, which
    // cover every way the field is refused, by the page or by the service (a wave's "w2_share" is "share").
    void Fail(const std::string& field, std::string message = {}) {
        if (message.empty()) message = WaveOf(field) ? field.substr(3) : field;
        errors[field] = Cat().Text("bo_" + form + "_error_" + message, lang_);
    }
    bool refused() const { return !errors.empty(); }

  private:
    std::string lang_;
};

// Where a service's refusal goes on the form: its fields (and a rule's ID, and "conflict") to the form's.
using FieldMap = std::map<std::string, std::string>;
FieldMap Same(std::initializer_list<const char*> names) {
    FieldMap out;
    for (const char* n : names) out[n] = n;
    return out;
}

// The service's refusal next to the field it names: a rule as its sentence (bo_rule_<ID>), a conflict in
// the form's words (bo_<form>_error_conflict), a field's value in the field's; the rest above the form.
Refusal Refused(Refusal r, const core::Error& e, const FieldMap& fields, const std::string& lang) {
    auto at = [&fields](const std::string& key) {
        auto it = fields.find(key);
        return it == fields.end() ? std::string() : it->second;
    };
    switch (e.code) {
        case core::ErrorCode::kRuleRefused:
            r.status = 422;
            r.errors[at(e.rule)] = Cat().Has("bo_rule_" + e.rule)
                                       ? Cat().Text("bo_rule_" + e.rule, lang)
                                       : Cat().Format("bo_error_rule", lang, {{"rule", e.rule}});
            break;
        case core::ErrorCode::kConflict:
            r.status = 409;
            if (Cat().Has("bo_" + r.form + "_error_conflict"))
                r.Fail(at("conflict"), "conflict");
            else
                r.errors[at("conflict")] = Cat().Text("bo_error_conflict", lang);
            break;
        case core::ErrorCode::kNotFound:
            r.status = 404;
            r.errors[""] = Cat().Text("bo_admin_error_gone", lang);
            break;
        case core::ErrorCode::kMalformed:
        case core::ErrorCode::kInvalid:
            r.status = e.code == core::ErrorCode::kMalformed ? 400 : 422;
            if (std::string field = at(e.field); !field.empty())
                r.Fail(field);
            else
                r.errors[""] = Cat().Text("error_invalid", lang);
            break;
        default:
            r.status = 422;
            r.errors[""] = Cat().Text("bo_error_refused", lang);
    }
    return r;
}

// An input's length, type, hint (a catalogue key), keyboard and whether it must be filled in.
struct Spec {
    explicit Spec(int max_length, std::string input_type = "text")
        : max(max_length), type(std::move(input_type)) {}
    Spec Hint(std::string key) const {
        Spec s = *this;
        s.hint = std::move(key);
        return s;
    }
    Spec Mode(std::string mode) const {
        Spec s = *this;
        s.inputmode = std::move(mode);
        return s;
    }
    Spec Required() const {
        Spec s = *this;
        s.required = true;
        return s;
    }
    int max;
    std::string type, hint, inputmode;
    bool required = false;
};

// A form's fields for the _bo_form and _bo_field partials: each with its id, label, hint, the value (what
// was typed when the form was refused, else the record's) and, refused, why; aria-describedby names the
// hint and the error. Fieldsets group fields under a legend.
class FormView {
  public:
    FormView(std::string id, const std::string& lang, const Refusal& refusal,
             std::map<std::string, std::string> initial)
        : id_(std::move(id)),
          lang_(lang),
          refusal_(refusal.form == id_ ? std::optional<Refusal>(refusal) : std::nullopt),
          initial_(std::move(initial)) {}

    FormView& Input(const std::string& name, const std::string& label, const Spec& spec) {
        json f = Base(name, label, spec.hint);
        f["input"] = true;
        f["type"] = spec.type;
        f["maxlength"] = spec.max > 0 ? json(std::to_string(spec.max)) : json(nullptr);
        f["inputmode"] = OrNull(spec.inputmode);
        f["required"] = spec.required;
        return Add(std::move(f));
    }
    FormView& Area(const std::string& name, const std::string& label, int max) {
        json f = Base(name, label, {});
        f["area"] = true;
        f["maxlength"] = std::to_string(max);
        return Add(std::move(f));
    }
    FormView& Select(const std::string& name, const std::string& label, const Options& options,
                     const std::string& hint = {}) {
        json f = Base(name, label, hint);
        f["select"] = true;
        json list = json::array();
        for (const auto& [value, text] : options)
            list.push_back({{"value", value}, {"label", text}, {"selected", value == f["value"]}});
        f["options"] = list;
        return Add(std::move(f));
    }
    FormView& Check(const std::string& name, const std::string& label) {
        json f = Base(name, label, {});
        f["check"] = true;
        f["checked"] = f["value"] == "yes";
        return Add(std::move(f));
    }
    FormView& Group(const std::string& legend) {
        groups_.push_back({{"legend", legend}, {"fields", json::array()}});
        return *this;
    }
    // The fields after it belong to no fieldset.
    FormView& EndGroup() {
        groups_.push_back({{"legend", nullptr}, {"fields", json::array()}});
        return *this;
    }

    // The form for _bo_form: its id, action, heading, button, whether it is a GET, the form's own message.
    json Json(const std::string& action, const std::string& heading, const std::string& submit,
              bool get = false) const {
        std::string error;
        if (refusal_)
            if (auto it = refusal_->errors.find(""); it != refusal_->errors.end()) error = it->second;
        json groups = json::array();
        for (const auto& g : groups_)
            if (!g["fields"].empty()) groups.push_back(g);
        return {{"id", id_},        {"action", action}, {"heading", heading},
                {"submit", submit}, {"get", get},       {"form_error", OrNull(error)},
                {"groups", groups}};
    }

  private:
    json Base(const std::string& name, const std::string& label, const std::string& hint) const {
        std::string id = id_ + "-" + name;
        std::replace(id.begin(), id.end(), '_', '-');
        std::string value;
        if (refusal_) {
            value = Field(refusal_->typed, name);
        } else if (auto it = initial_.find(name); it != initial_.end()) {
            value = it->second;
        }
        std::string error;
        if (refusal_)
            if (auto it = refusal_->errors.find(name); it != refusal_->errors.end()) error = it->second;
        std::string described = (hint.empty() ? "" : id + "-hint") +
                                (error.empty() ? "" : (hint.empty() ? "" : " ") + id + "-error");
        return {{"id", id},
                {"name", name},
                {"label", Cat().Text(label, lang_)},
                {"hint", hint.empty() ? json(nullptr) : json(Cat().Text(hint, lang_))},
                {"error", OrNull(error)},
                {"describedby", OrNull(described)},
                {"value", value},
                {"input", false},
                {"area", false},
                {"select", false},
                {"check", false},
                {"checked", false},
                {"required", false},
                {"type", "text"},
                {"maxlength", nullptr},
                {"inputmode", nullptr},
                {"options", json::array()}};
    }
    FormView& Add(json f) {
        if (groups_.empty()) EndGroup();
        groups_.back()["fields"].push_back(std::move(f));
        return *this;
    }

    std::string id_, lang_;
    std::optional<Refusal> refusal_;
    std::map<std::string, std::string> initial_;
    json groups_ = json::array();
};

const Spec kDate = Spec(10, "date").Hint("bo_admin_date_hint");

// ---- Partners and agreements (R_PART_1, R_PART_2) ----

Options CategoryOptions(http::Services& s, const std::string& lang) {
    Options out;
    for (const auto& c : s.partners->categories())
        out.emplace_back(c.code, c.labels.count(lang) ? c.labels.at(lang) : c.code);
    return out;
}

std::string CategoryName(http::Services& s, const std::string& code, const std::string& lang) {
    for (const auto& [value, label] : CategoryOptions(s, lang))
        if (value == code) return label;
    return code;
}

json PartnerForm(http::Services& s, const std::string& lang, const Refusal& r,
                 const store::PartnerRecord* p) {
    std::map<std::string, std::string> initial;
    if (p)
        initial = {{"name", p->name},
                   {"category", p->category},
                   {"description", p->description},
                   {"website_url", p->website_url.value_or("")},
                   {"logo_url", p->logo_url.value_or("")},
                   {"sells_online", p->sells_online ? "yes" : ""},
                   {"sells_in_shop", p->sells_in_shop ? "yes" : ""},
                   {"active_from", p->active_from},
                   {"active_to", p->active_to.value_or("")},
                   {"holding_days", std::to_string(p->holding_days)}};
    else
        initial = {{"market", s.markets.empty() ? "" : s.markets.begin()->first},
                   {"sells_online", "yes"},
                   {"active_from", Today(s, "")},
                   {"holding_days", "0"}};
    FormView f("partner", lang, r, initial);
    if (!p)
        f.Input("code", "bo_partner_code", Spec(64).Hint("bo_partner_code_hint").Required())
            .Select("market", "bo_market", MarketOptions(s, "", lang));
    f.Input("name", "bo_partner_name", Spec(100).Required())
        .Select("category", "bo_partner_category", CategoryOptions(s, lang))
        .Area("description", "bo_partner_description", 2000)
        .Input("website_url", "bo_partner_website", Spec(500).Hint("bo_partner_url_hint").Mode("url"))
        .Input("logo_url", "bo_partner_logo", Spec(500).Hint("bo_partner_url_hint").Mode("url"))
        .Group(Cat().Text("bo_partner_sells", lang))
        .Check("sells_online", "bo_partner_sells_online")
        .Check("sells_in_shop", "bo_partner_sells_in_shop")
        .EndGroup()
        .Input("active_from", "bo_partner_active_from", kDate)
        .Input("active_to", "bo_partner_active_to", Spec(10, "date").Hint("bo_admin_open_end_hint"))
        .Input("holding_days", "bo_partner_holding_days",
               Spec(3).Hint("bo_partner_holding_days_hint").Mode("numeric"));
    return p ? f.Json("/back-office/partners/" + p->code, Cat().Text("bo_partner_edit_heading", lang),
                      Cat().Text("bo_admin_save", lang))
             : f.Json("/back-office/partners", Cat().Text("bo_partner_new_heading", lang),
                      Cat().Text("bo_partner_create", lang));
}

const FieldMap kPartnerFields = [] {
    FieldMap m = Same({"code", "market", "name", "category", "description", "website_url", "logo_url",
                       "sells_online", "active_from", "active_to", "holding_days"});
    m["R_PART_2"] = "category";
    m["conflict"] = "code";
    return m;
}();

// The partner's form as PartnerService takes it. The page checks what it can read, so that each mistake is
// shown at once; the service checks again and decides (the category is its: R_PART_2).
app::PartnerInput ReadPartner(http::Services& s, const Form& form, bool creating, Refusal& r) {
    app::PartnerInput in;
    if (creating) {
        in.code = Typed(form, "code");
        in.market = Typed(form, "market");
        if (!IsCode(in.code)) r.Fail("code");
        if (!s.markets.contains(in.market)) r.Fail("market");
    }
    in.name = Typed(form, "name");
    in.category = Typed(form, "category");
    in.description = Typed(form, "description");
    if (in.name.empty() || in.name.size() > 100) r.Fail("name");
    if (in.description.size() > 2000) r.Fail("description");
    for (auto [name, into] : {std::pair{"website_url", &in.website_url}, std::pair{"logo_url", &in.logo_url}})
        if (std::string url = Typed(form, name); !url.empty()) {
            *into = url;
            if (!IsUrl(url)) r.Fail(name);
        }
    in.sells_online = Field(form, "sells_online") == "yes";
    in.sells_in_shop = Field(form, "sells_in_shop") == "yes";
    if (!in.sells_online && !in.sells_in_shop) r.Fail("sells_online");
    in.active_from = Typed(form, "active_from");
    if (!IsDate(in.active_from)) r.Fail("active_from");
    if (std::string to = Typed(form, "active_to"); !to.empty()) {
        in.active_to = to;
        if (!IsDate(to) || to < in.active_from) r.Fail("active_to");
    }
    auto days = ParseWhole(Typed(form, "holding_days"), 0, 730);
    if (!days) r.Fail("holding_days");
    in.holding_days = static_cast<int>(days.value_or(0));
    return in;
}

json AgreementForm(http::Services& s, const std::string& lang, const Refusal& r,
                   const store::PartnerRecord& p) {
    FormView f("agreement", lang, r, {{"valid_from", Today(s, p.market)}});
    f.Input("category", "bo_agreement_category", Spec(64).Hint("bo_agreement_category_hint").Required())
        .Input("label", "bo_agreement_label", Spec(100).Hint("bo_agreement_label_hint").Required())
        .Input("rate", "bo_agreement_rate", Spec(6).Hint("bo_agreement_rate_hint").Mode("decimal").Required())
        .Input("valid_from", "bo_agreement_valid_from", Spec(10, "date").Hint("bo_agreement_from_hint"))
        .Input("valid_to", "bo_agreement_valid_to", Spec(10, "date").Hint("bo_admin_open_end_hint"));
    return f.Json("/back-office/partners/" + p.code + "/agreements",
                  Cat().Text("bo_agreement_new_heading", lang), Cat().Text("bo_agreement_add", lang));
}

const FieldMap kAgreementFields = [] {
    FieldMap m = Same({"category", "label", "valid_from", "valid_to"});
    m["rate_bp"] = "rate";
    m["R_PART_1"] = "valid_from";
    m["conflict"] = "valid_from";
    return m;
}();

// The agreements that may still end (open, or ending today or later): the end form's choice.
Options OpenAgreements(const app::PartnerView& v, const std::string& today, const std::string& lang) {
    Options out;
    for (const auto& a : v.agreements)
        if (!a.valid_to || *a.valid_to >= today)
            out.emplace_back(std::to_string(a.id), a.label + " (" + a.category + "), " +
                                                       Percent(a.rate_bp, lang) + ", " +
                                                       FormatIsoDate(a.valid_from, lang));
    return out;
}

json EndForm(const std::string& lang, const Refusal& r, const store::PartnerRecord& p, const Options& open) {
    FormView f("agreement_end", lang, r, {});
    f.Select("agreement", "bo_agreement_end_choice", open)
        .Input("valid_to", "bo_agreement_end_valid_to",
               Spec(10, "date").Hint("bo_agreement_end_valid_to_hint"));
    return f.Json("/back-office/partners/" + p.code + "/agreements/end",
                  Cat().Text("bo_agreement_end_heading", lang), Cat().Text("bo_agreement_end_submit", lang));
}

Response PartnersPage(const Context& ctx, http::Services& s, const std::string& lang, const Refusal& r = {}) {
    json d = BaseData(ctx, s, lang, "bo_partners_title", "bo_partners");
    const std::string market = MarketFilter(s, ctx);
    json rows = json::array();
    for (const auto& v : s.partners->List(market, false)) {
        const auto& p = v.partner;
        std::string today = Today(s, p.market);
        int64_t in_force = 0;
        for (const auto& a : v.agreements)
            if (core::AgreementInForce(v.agreements, a.category, today) == &a) ++in_force;
        rows.push_back({{"href", "/back-office/partners/" + p.code},
                        {"name", p.name},
                        {"code", p.code},
                        {"market", p.market},
                        {"category", CategoryName(s, p.category, lang)},
                        {"active", FormatIsoDate(p.active_from, lang) + " – " +
                                       (p.active_to ? FormatIsoDate(*p.active_to, lang) : "")},
                        {"rates", std::to_string(in_force)}});
    }
    d["partners"] = rows;
    d["has_partners"] = !rows.empty();
    FormView filter("filter", lang, {}, {{"market", market}});
    filter.Select("market", "bo_market", MarketOptions(s, "bo_admin_all_markets", lang));
    d["filter"] = filter.Json("/back-office/partners", Cat().Text("bo_admin_filter", lang),
                              Cat().Text("bo_admin_show", lang), true);
    d["create"] = PartnerForm(s, lang, r, nullptr);
    return Html(ctx, r.refused() ? r.status : 200, RenderPage("bo_partners", d));
}

Response PartnerPage(const Context& ctx, http::Services& s, const std::string& lang, const std::string& code,
                     const Refusal& r = {}) {
    auto v = s.partners->Get(code);
    if (!v) return ErrorPage(ctx, s, lang, 404, "bo_admin_error_not_found");
    const store::PartnerRecord& p = v->partner;
    const std::string today = Today(s, p.market);
    json d = BaseData(ctx, s, lang, "bo_partners_title", "bo_partners");
    d["title"] = p.name + " – " + Cat().Text("bo_partners_title", lang);
    d["notice"] = r.refused() ? json(nullptr) : Notice(ctx, lang);
    d["name"] = p.name;
    d["code"] = p.code;
    d["market"] = MarketName(s, p.market);
    d["category"] = CategoryName(s, p.category, lang);
    d["description"] = OrNull(p.description);
    d["website"] = p.website_url ? json(*p.website_url) : json(nullptr);
    std::vector<std::string> how;
    if (p.sells_online) how.push_back(Cat().Text("bo_partner_sells_online", lang));
    if (p.sells_in_shop) how.push_back(Cat().Text("bo_partner_sells_in_shop", lang));
    std::string sells;
    for (const auto& h : how) sells += (sells.empty() ? "" : ", ") + h;
    d["sells"] = sells;
    d["active"] = FormatIsoDate(p.active_from, lang) + " – " +
                  (p.active_to ? FormatIsoDate(*p.active_to, lang) : Cat().Text("bo_admin_open_end", lang));
    d["holding_days"] = Cat().Format("bo_partner_days", lang, {{"days", p.holding_days}});
    json agreements = json::array();
    for (const auto& a : v->agreements)
        agreements.push_back(
            {{"category", a.category},
             {"label", a.label},
             {"rate", Percent(a.rate_bp, lang)},
             {"from", FormatIsoDate(a.valid_from, lang)},
             {"to", a.valid_to ? FormatIsoDate(*a.valid_to, lang) : Cat().Text("bo_admin_open_end", lang)},
             {"in_force", core::AgreementInForce(v->agreements, a.category, today) == &a}});
    d["agreements"] = agreements;
    d["has_agreements"] = !agreements.empty();
    d["add"] = AgreementForm(s, lang, r, p);
    Options open = OpenAgreements(*v, today, lang);
    d["end"] = open.empty() ? json(nullptr) : EndForm(lang, r, p, open);
    d["edit"] = PartnerForm(s, lang, r, &p);
    return Html(ctx, r.refused() ? r.status : 200, RenderPage("bo_partner", d));
}

void AddPartnerPages(http::Router& router, http::Services& s) {
    const bool available = s.partners != nullptr;
    // GET /api/v1/partners: the partners of every market, or of one.
    router.Add("GET", "/back-office/partners", {},
               Staff(s, kBackOffice, available,
                     [&s](Context& ctx, const std::string& lang) { return PartnersPage(ctx, s, lang); }));
    // POST /api/v1/partners.
    router.Add("POST", "/back-office/partners", {},
               Staff(s, kBackOffice, available, [&s](Context& ctx, const std::string& lang) {
                   auto form = ParseForm(ctx.request);
                   if (!form) return ErrorPage(ctx, s, lang, 400, "error_form");
                   Refusal r("partner", *form, lang);
                   app::PartnerInput in = ReadPartner(s, *form, true, r);
                   if (r.refused()) return PartnersPage(ctx, s, lang, r);
                   auto created = s.partners->Create(in, ctx.principal.Actor());
                   if (!created)
                       return PartnersPage(ctx, s, lang, Refused(r, created.error(), kPartnerFields, lang));
                   return SeeOther("/back-office/partners/" + created->code + "?done=partner-created");
               }));
    // GET /api/v1/partners/{code}: the partner with its agreements.
    router.Add("GET", "/back-office/partners/{partner_code}", {},
               Staff(s, kBackOffice, available, [&s](Context& ctx, const std::string& lang) {
                   if (!IsCode(ctx.Param("partner_code")))
                       return ErrorPage(ctx, s, lang, 404, "bo_admin_error_not_found");
                   return PartnerPage(ctx, s, lang, ctx.Param("partner_code"));
               }));
    // PUT /api/v1/partners/{code}: what the partner shows, its active period and holding.
    router.Add("POST", "/back-office/partners/{partner_code}", {},
               Staff(s, kBackOffice, available, [&s](Context& ctx, const std::string& lang) {
                   const std::string& code = ctx.Param("partner_code");
                   if (!IsCode(code)) return ErrorPage(ctx, s, lang, 404, "bo_admin_error_not_found");
                   auto form = ParseForm(ctx.request);
                   if (!form) return ErrorPage(ctx, s, lang, 400, "error_form");
                   Refusal r("partner", *form, lang);
                   app::PartnerInput in = ReadPartner(s, *form, false, r);
                   if (r.refused()) return PartnerPage(ctx, s, lang, code, r);
                   auto saved = s.partners->Update(code, in, ctx.principal.Actor());
                   if (!saved)
                       return PartnerPage(ctx, s, lang, code,
                                          Refused(r, saved.error(), kPartnerFields, lang));
                   return SeeOther("/back-office/partners/" + code + "?done=partner-saved");
               }));
    // POST /api/v1/partners/{code}/agreements (R_PART_1): a rate for a category from a date; the one in force
    // then ends the day before.
    router.Add("POST", "/back-office/partners/{partner_code}/agreements", {},
               Staff(s, kBackOffice, available, [&s](Context& ctx, const std::string& lang) {
                   const std::string& code = ctx.Param("partner_code");
                   if (!IsCode(code)) return ErrorPage(ctx, s, lang, 404, "bo_admin_error_not_found");
                   auto form = ParseForm(ctx.request);
                   if (!form) return ErrorPage(ctx, s, lang, 400, "error_form");
                   Refusal r("agreement", *form, lang);
                   core::PartnerAgreement a;
                   a.category = Typed(*form, "category");
                   a.label = Typed(*form, "label");
                   a.valid_from = Typed(*form, "valid_from");
                   if (!IsCode(a.category)) r.Fail("category");
                   if (a.label.empty() || a.label.size() > 100) r.Fail("label");
                   auto rate = ParseHundredths(Typed(*form, "rate"), 10'000);
                   if (!rate) r.Fail("rate");
                   a.rate_bp = rate.value_or(0);
                   if (!IsDate(a.valid_from)) r.Fail("valid_from");
                   if (std::string to = Typed(*form, "valid_to"); !to.empty()) {
                       a.valid_to = to;
                       if (!IsDate(to) || to < a.valid_from) r.Fail("valid_to");
                   }
                   if (r.refused()) return PartnerPage(ctx, s, lang, code, r);
                   auto added = s.partners->AddAgreement(code, a, ctx.principal.Actor());
                   if (!added)
                       return PartnerPage(ctx, s, lang, code,
                                          Refused(r, added.error(), kAgreementFields, lang));
                   return SeeOther("/back-office/partners/" + code + "?done=agreement-added");
               }));
    // POST /api/v1/partners/{code}/agreements/{id}/end: earlier, never later; refused when a booked sale
    // after that day used it (R_PART_1).
    router.Add(
        "POST", "/back-office/partners/{partner_code}/agreements/end", {},
        Staff(s, kBackOffice, available, [&s](Context& ctx, const std::string& lang) {
            const std::string& code = ctx.Param("partner_code");
            if (!IsCode(code)) return ErrorPage(ctx, s, lang, 404, "bo_admin_error_not_found");
            auto form = ParseForm(ctx.request);
            if (!form) return ErrorPage(ctx, s, lang, 400, "error_form");
            Refusal r("agreement_end", *form, lang);
            auto id = ParseWhole(Typed(*form, "agreement"), 1, 999'999'999);
            if (!id) r.Fail("agreement");
            std::string valid_to = Typed(*form, "valid_to");
            if (!IsDate(valid_to)) r.Fail("valid_to");
            if (r.refused()) return PartnerPage(ctx, s, lang, code, r);
            auto ended = s.partners->EndAgreement(code, *id, valid_to);
            if (!ended)
                return PartnerPage(
                    ctx, s, lang, code,
                    Refused(r, ended.error(), {{"valid_to", "valid_to"}, {"R_PART_1", "valid_to"}}, lang));
            return SeeOther("/back-office/partners/" + code + "?done=agreement-ended");
        }));
}

// ---- Offers (R_OFF_1, R_MEM_1) ----

Options KindOptions(const std::string& lang) {
    Options out;
    for (const auto& k : kOfferKinds) out.emplace_back(k, Cat().Text("bo_offer_kind_" + k, lang));
    return out;
}

Options TargetOptions(const std::string& lang) {
    return {{"products", Cat().Text("bo_offer_target_products", lang)},
            {"category", Cat().Text("bo_offer_target_category", lang)},
            {"basket", Cat().Text("bo_offer_target_basket", lang)}};
}

json OfferForm(http::Services& s, const std::string& lang, const Refusal& r) {
    const std::string today = Today(s, "");
    FormView f("offer", lang, r,
               {{"market", s.markets.empty() ? "" : s.markets.begin()->first},
                {"kind", "percent_off"},
                {"target_kind", "products"},
                {"valid_from", today},
                {"valid_to", core::AddDays(today, 27)},
                {"members_only", "yes"}});
    f.Input("code", "bo_offer_code", Spec(64).Hint("bo_offer_code_hint").Required())
        .Select("market", "bo_market", MarketOptions(s, "", lang))
        .Input("title", "bo_offer_title_field", Spec(100).Hint("bo_offer_title_hint").Required())
        .Area("description", "bo_offer_description", 1000)
        .Group(Cat().Text("bo_offer_what", lang))
        .Select("kind", "bo_offer_kind", KindOptions(lang))
        .Input("value", "bo_offer_value", Spec(14).Hint("bo_offer_value_hint").Mode("decimal"))
        .Input("buy_quantity", "bo_offer_buy_quantity",
               Spec(3).Hint("bo_offer_buy_quantity_hint").Mode("numeric"))
        .Input("pay_quantity", "bo_offer_pay_quantity",
               Spec(3).Hint("bo_offer_pay_quantity_hint").Mode("numeric"))
        .Group(Cat().Text("bo_offer_on", lang))
        .Select("target_kind", "bo_offer_target", TargetOptions(lang))
        .Input("eans", "bo_offer_eans", Spec(2000).Hint("bo_offer_eans_hint"))
        .Input("category", "bo_offer_category", Spec(64).Hint("bo_offer_category_hint"))
        .Input("min_spend", "bo_offer_min_spend", Spec(14).Hint("bo_offer_min_spend_hint").Mode("decimal"))
        .Group(Cat().Text("bo_offer_when", lang))
        .Input("valid_from", "bo_offer_valid_from", kDate)
        .Input("valid_to", "bo_offer_valid_to", Spec(10, "date").Hint("bo_offer_valid_to_hint"))
        .Input("limit_per_member", "bo_offer_limit_per_member",
               Spec(9).Hint("bo_offer_limit_hint").Mode("numeric"))
        .Input("limit_total", "bo_offer_limit_total", Spec(9).Hint("bo_offer_limit_hint").Mode("numeric"))
        .EndGroup()
        .Check("members_only", "bo_offer_members_only")
        .Check("requires_activation", "bo_offer_requires_activation");
    return f.Json("/back-office/offers", Cat().Text("bo_offer_new_heading", lang),
                  Cat().Text("bo_offer_create", lang));
}

const FieldMap kOfferFields = [] {
    FieldMap m =
        Same({"code", "market", "title", "description", "kind", "buy_quantity", "pay_quantity", "target_kind",
              "eans", "category", "valid_from", "valid_to", "limit_per_member", "limit_total"});
    for (const char* v : {"member_price_minor", "percent_bp", "amount_minor", "bundle_price_minor",
                          "bonus_bp", "points_per_unit", "points"})
        m[v] = "value";
    m["min_spend_minor"] = "min_spend";
    m["conflict"] = "code";
    return m;
}();

// The offer's form as OfferService takes it (every offer for all members; segments and personal offers are
// the API's). The value field is read as the kind reads it: money, a percentage or points.
app::OfferInput ReadOffer(http::Services& s, const Form& form, Refusal& r) {
    app::OfferInput in;
    in.code = Typed(form, "code");
    in.market = Typed(form, "market");
    in.title = Typed(form, "title");
    in.description = Typed(form, "description");
    in.kind = Typed(form, "kind");
    in.target_kind = Typed(form, "target_kind");
    if (in.code.empty() || in.code.size() > 64 || core::CategorySlug(in.code) != in.code) r.Fail("code");
    if (!s.markets.contains(in.market)) r.Fail("market");
    if (in.title.empty() || in.title.size() > 100) r.Fail("title");
    if (in.description.size() > 1000) r.Fail("description");
    const std::string value = Typed(form, "value");
    auto money = ParseHundredths(value, kMaxAmount);
    auto percent = ParseHundredths(value, 10'000);
    auto whole = ParseWhole(value, 1, 1'000'000);
    if (in.kind == "member_price") {
        if (!money) r.Fail("value");
        in.member_price_minor = money.value_or(0);
    } else if (in.kind == "percent_off" || in.kind == "extra_bonus") {
        if (!percent || *percent == 0) r.Fail("value");
        (in.kind == "percent_off" ? in.percent_bp : in.bonus_bp) = percent.value_or(0);
    } else if (in.kind == "amount_off") {
        if (!money || *money == 0) r.Fail("value");
        in.amount_minor = money.value_or(0);
    } else if (in.kind == "multi_buy") {
        auto buy = ParseWhole(Typed(form, "buy_quantity"), 2, 100);
        auto pay = ParseWhole(Typed(form, "pay_quantity"), 1, 99);
        if (!buy) r.Fail("buy_quantity");
        if (!Typed(form, "pay_quantity").empty() && (!pay || (buy && *pay >= *buy))) r.Fail("pay_quantity");
        // "3 for 2" by the quantity paid, or "2 for 50 kr" by the bundle's price.
        if ((value.empty() == Typed(form, "pay_quantity").empty()) ||
            (!value.empty() && (!money || *money == 0)))
            r.Fail("value");
        in.buy_quantity = buy.value_or(0);
        in.pay_quantity = pay.value_or(0);
        in.bundle_price_minor = value.empty() ? 0 : money.value_or(0);
    } else if (in.kind == "extra_points" || in.kind == "points_bonus") {
        if (!whole) r.Fail("value");
        (in.kind == "extra_points" ? in.points_per_unit : in.points) = whole.value_or(0);
    } else {
        r.Fail("kind");
    }
    if (in.target_kind == "products") {
        std::string list = Typed(form, "eans");
        std::replace(list.begin(), list.end(), ',', ' ');
        for (size_t at = 0; (at = list.find_first_not_of(" \t\r\n", at)) != std::string::npos;) {
            size_t end = list.find_first_of(" \t\r\n", at);
            in.eans.push_back(list.substr(at, end - at));
            at = end;
        }
        if (in.eans.empty() || in.eans.size() > 500 ||
            std::any_of(in.eans.begin(), in.eans.end(), [](const auto& e) { return !core::NormaliseEan(e); }))
            r.Fail("eans");
    } else if (in.target_kind == "category") {
        in.category = Typed(form, "category");
        if (in.category.empty() || in.category.size() > 64) r.Fail("category");
    } else if (in.target_kind != "basket") {
        r.Fail("target_kind");
    }
    if (std::string spend = Typed(form, "min_spend"); !spend.empty()) {
        auto m = ParseHundredths(spend, kMaxAmount);
        if (!m) r.Fail("min_spend");
        in.min_spend_minor = m.value_or(0);
    }
    in.valid_from = Typed(form, "valid_from");
    in.valid_to = Typed(form, "valid_to");
    if (!IsDate(in.valid_from)) r.Fail("valid_from");
    if (!IsDate(in.valid_to) || in.valid_to < in.valid_from) r.Fail("valid_to");
    for (auto [name, into] :
         {std::pair{"limit_per_member", &in.limit_per_member}, std::pair{"limit_total", &in.limit_total}})
        if (std::string v = Typed(form, name); !v.empty()) {
            *into = ParseWhole(v, 1, 100'000'000);
            if (!*into) r.Fail(name);
        }
    in.members_only = Field(form, "members_only") == "yes";
    in.requires_activation = Field(form, "requires_activation") == "yes";
    return in;
}

// What the offer does, in words: "3 for 2", "11 % extra bonus" ...
std::string OfferWhat(const app::OfferView& v, const std::string& currency, const std::string& lang) {
    const core::PricedOffer& p = v.priced;
    const std::string& kind = v.record.kind;
    auto money = [&](int64_t minor) { return FormatMoney(minor, currency, lang); };
    if (kind == "member_price")
        return Cat().Format("bo_offer_what_member_price", lang, {{"price", money(p.member_price_minor)}});
    if (kind == "percent_off")
        return Cat().Format("bo_offer_what_percent_off", lang, {{"percent", Percent(p.percent_bp, lang)}});
    if (kind == "amount_off")
        return Cat().Format("bo_offer_what_amount_off", lang, {{"amount", money(p.amount_minor)}});
    if (kind == "multi_buy" && p.pay_quantity > 0)
        return Cat().Format("bo_offer_what_multi_buy", lang,
                            {{"buy", p.buy_quantity}, {"pay", p.pay_quantity}});
    if (kind == "multi_buy")
        return Cat().Format("bo_offer_what_bundle", lang,
                            {{"buy", p.buy_quantity}, {"price", money(p.bundle_price_minor)}});
    if (kind == "extra_bonus")
        return Cat().Format("bo_offer_what_extra_bonus", lang, {{"percent", Percent(p.bonus_bp, lang)}});
    if (kind == "extra_points")
        return Cat().Format("bo_offer_what_extra_points", lang, {{"points", p.points_per_unit}});
    return Cat().Format("bo_offer_what_points_bonus", lang, {{"points", FormatNumber(p.points, lang)}});
}

std::string OfferOn(const app::OfferView& v, const std::string& lang) {
    if (v.record.target_kind == "products") {
        std::string eans;
        for (const auto& e : v.priced.eans) eans += (eans.empty() ? "" : ", ") + e;
        return Cat().Format("bo_offer_on_products", lang, {{"eans", eans}});
    }
    if (v.record.target_kind == "category")
        return Cat().Format("bo_offer_on_category", lang, {{"category", v.priced.category}});
    return Cat().Text("bo_offer_target_basket", lang);
}

std::string StateText(const std::string& state, const std::string& lang) {
    return Cat().Has("bo_offer_state_" + state) ? Cat().Text("bo_offer_state_" + state, lang) : state;
}

Response OffersPage(const Context& ctx, http::Services& s, const std::string& lang, const Refusal& r = {}) {
    json d = BaseData(ctx, s, lang, "bo_offers_title", "bo_offers");
    const std::string market = MarketFilter(s, ctx);
    json rows = json::array();
    if (auto list = s.offers->List(market))
        for (const auto& v : *list)
            rows.push_back({{"href", "/back-office/offers/" + v.record.code},
                            {"title", v.record.title},
                            {"code", v.record.code},
                            {"market", v.record.market},
                            {"kind", Cat().Text("bo_offer_kind_" + v.record.kind, lang)},
                            {"state", StateText(v.state, lang)},
                            {"valid", FormatIsoDate(v.record.valid_from, lang) + " – " +
                                          FormatIsoDate(v.record.valid_to, lang)},
                            {"redeemed", FormatNumber(v.record.redeemed, lang)}});
    d["offers"] = rows;
    d["has_offers"] = !rows.empty();
    FormView filter("filter", lang, {}, {{"market", market}});
    filter.Select("market", "bo_market", MarketOptions(s, "bo_admin_all_markets", lang));
    d["filter"] = filter.Json("/back-office/offers", Cat().Text("bo_admin_filter", lang),
                              Cat().Text("bo_admin_show", lang), true);
    d["create"] = OfferForm(s, lang, r);
    return Html(ctx, r.refused() ? r.status : 200, RenderPage("bo_offers", d));
}

Response OfferPage(const Context& ctx, http::Services& s, const std::string& lang, const std::string& code,
                   const Refusal& r = {}) {
    auto report = s.offers->Report(code);
    if (!report) return ErrorPage(ctx, s, lang, 404, "bo_admin_error_not_found");
    const app::OfferView& v = report->offer;
    const store::OfferRecord& o = v.record;
    const std::string currency = CurrencyOf(s, o.market);
    json d = BaseData(ctx, s, lang, "bo_offers_title", "bo_offers");
    d["title"] = o.title + " – " + Cat().Text("bo_offers_title", lang);
    d["notice"] = r.refused() ? json(nullptr) : Notice(ctx, lang);
    d["offer"] = o.title;
    d["code"] = o.code;
    d["description"] = OrNull(o.description);
    d["market"] = MarketName(s, o.market);
    d["kind"] = Cat().Text("bo_offer_kind_" + o.kind, lang);
    d["what"] = OfferWhat(v, currency, lang);
    d["on"] = OfferOn(v, lang);
    d["min_spend"] = v.priced.min_spend_minor > 0
                         ? json(FormatMoney(v.priced.min_spend_minor, currency, lang))
                         : json(nullptr);
    d["valid"] = FormatIsoDate(o.valid_from, lang) + " – " + FormatIsoDate(o.valid_to, lang);
    d["state"] = StateText(v.state, lang);
    d["who"] = Cat().Text(o.members_only ? "bo_offer_for_members" : "bo_offer_for_everyone", lang);
    d["activation"] = Cat().Text(o.requires_activation ? "bo_yes" : "bo_no", lang);
    auto limit = [&lang](const std::optional<int64_t>& l) {
        return l ? FormatNumber(*l, lang) : Cat().Text("bo_offer_no_limit", lang);
    };
    d["limit_per_member"] = limit(o.limit_per_member);
    d["limit_total"] = limit(o.limit_total);
    const auto& n = report->counts;
    d["report"] = {{"assigned", FormatNumber(n.assigned, lang)},
                   {"activated", FormatNumber(n.activated, lang)},
                   {"redeemed", FormatNumber(n.redemptions, lang)},
                   {"units", FormatNumber(n.units, lang)},
                   {"discount", FormatMoney(n.discount_minor, currency, lang)},
                   {"bonus", FormatMoney(n.bonus_minor, currency, lang)},
                   {"points", Amount(n.points, "points", lang)}};
    if (v.state != "ended") {
        bool paused = o.status == "paused";
        d["status_form"] = {
            {"action", "/back-office/offers/" + o.code + "/status"},
            {"status", paused ? "active" : "paused"},
            {"intro", Cat().Text(paused ? "bo_offer_resume_intro" : "bo_offer_pause_intro", lang)},
            {"submit", Cat().Text(paused ? "bo_offer_resume" : "bo_offer_pause", lang)},
            {"form_error", r.form == "status" && r.errors.count("") ? json(r.errors.at("")) : json(nullptr)}};
    }
    return Html(ctx, r.refused() ? r.status : 200, RenderPage("bo_offer", d));
}

bool IsOfferCode(const std::string& code) {
    return !code.empty() && code.size() <= 64 && core::CategorySlug(code) == code;
}

void AddOfferPages(http::Router& router, http::Services& s) {
    const bool available = s.offers != nullptr;
    // GET /api/v1/offers.
    router.Add("GET", "/back-office/offers", {},
               Staff(s, kBackOffice, available,
                     [&s](Context& ctx, const std::string& lang) { return OffersPage(ctx, s, lang); }));
    // POST /api/v1/offers: active from its first day (pausing is the offer page's).
    router.Add("POST", "/back-office/offers", {},
               Staff(s, kBackOffice, available, [&s](Context& ctx, const std::string& lang) {
                   auto form = ParseForm(ctx.request);
                   if (!form) return ErrorPage(ctx, s, lang, 400, "error_form");
                   Refusal r("offer", *form, lang);
                   app::OfferInput in = ReadOffer(s, *form, r);
                   if (r.refused()) return OffersPage(ctx, s, lang, r);
                   auto created = s.offers->Create(in, ctx.principal.Actor());
                   if (!created)
                       return OffersPage(ctx, s, lang, Refused(r, created.error(), kOfferFields, lang));
                   return SeeOther("/back-office/offers/" + created->record.code + "?done=offer-created");
               }));
    // GET /api/v1/offers/{code}/report: the offer and what members did with it.
    router.Add("GET", "/back-office/offers/{offer_code}", {},
               Staff(s, kBackOffice, available, [&s](Context& ctx, const std::string& lang) {
                   if (!IsOfferCode(ctx.Param("offer_code")))
                       return ErrorPage(ctx, s, lang, 404, "bo_admin_error_not_found");
                   return OfferPage(ctx, s, lang, ctx.Param("offer_code"));
               }));
    // PUT /api/v1/offers/{code}/status: pause or resume.
    router.Add("POST", "/back-office/offers/{offer_code}/status", {},
               Staff(s, kBackOffice, available, [&s](Context& ctx, const std::string& lang) {
                   const std::string& code = ctx.Param("offer_code");
                   if (!IsOfferCode(code)) return ErrorPage(ctx, s, lang, 404, "bo_admin_error_not_found");
                   auto form = ParseForm(ctx.request);
                   if (!form) return ErrorPage(ctx, s, lang, 400, "error_form");
                   std::string status = Field(*form, "status");
                   auto set = s.offers->SetStatus(code, status, ctx.principal.Actor());
                   if (!set) {
                       Refusal r("status", *form, lang);
                       return OfferPage(ctx, s, lang, code, Refused(r, set.error(), {}, lang));
                   }
                   return SeeOther("/back-office/offers/" + code +
                                   (status == "paused" ? "?done=offer-paused" : "?done=offer-resumed"));
               }));
}

// ---- Re-login campaigns (R_AUTH_5, R_AUTH_6) ----

Options MethodOptions(const std::string& lang) {
    return {{"two_step", Cat().Text("bo_relogin_method_two_step", lang)},
            {"bankid", Cat().Text("bo_relogin_method_bankid", lang)}};
}

std::string MethodText(const std::string& method, const std::string& lang) {
    return method == "bankid" || method == "two_step" ? Cat().Text("bo_relogin_method_" + method, lang)
                                                      : method;
}

json CampaignForm(http::Services& s, const std::string& lang, const Refusal& r) {
    FormView f("relogin", lang, r, {{"method", "two_step"}, {"w1_share", "100"}});
    f.Input("name", "bo_relogin_name", Spec(200).Hint("bo_relogin_name_hint").Required())
        .Select("market", "bo_market", MarketOptions(s, "bo_relogin_every_market", lang),
                "bo_relogin_market_hint")
        .Select("method", "bo_relogin_method", MethodOptions(lang));
    for (int w = 1; w <= kWaves; ++w) {
        std::string p = "w" + std::to_string(w) + "_";
        f.Group(Cat().Format(w == 1 ? "bo_relogin_wave" : "bo_relogin_wave_optional", lang, {{"number", w}}))
            .Input(p + "share", "bo_relogin_share", Spec(3).Hint("bo_relogin_share_hint").Mode("numeric"))
            .Input(p + "born_from", "bo_relogin_born_from", kDate)
            .Input(p + "born_before", "bo_relogin_born_before", kDate)
            .Input(p + "starts", "bo_relogin_starts", Spec(19, "datetime-local").Hint("bo_relogin_time_hint"))
            .Input(p + "deadline", "bo_relogin_deadline",
                   Spec(19, "datetime-local").Hint("bo_relogin_time_hint"))
            .Input(p + "reminders", "bo_relogin_reminders", Spec(60).Hint("bo_relogin_reminders_hint"));
    }
    return f.Json("/back-office/relogin", Cat().Text("bo_relogin_new_heading", lang),
                  Cat().Text("bo_relogin_create", lang));
}

// The campaign's form as ReloginService takes it, and for each of its waves the form's wave number (a wave
// left empty is no wave).
app::auth::ReloginCampaignInput ReadCampaign(http::Services& s, const Form& form, Refusal& r,
                                             std::vector<int>& numbers) {
    app::auth::ReloginCampaignInput in;
    in.name = Typed(form, "name");
    if (in.name.empty() || in.name.size() > 200) r.Fail("name");
    if (std::string market = Typed(form, "market"); !market.empty()) {
        in.market = market;
        if (!s.markets.contains(market)) r.Fail("market");
    }
    in.required_method = Typed(form, "method");
    if (in.required_method != "two_step" && in.required_method != "bankid") r.Fail("method");
    const std::string zone = ZoneOf(s, in.market);
    for (int w = 1; w <= kWaves; ++w) {
        std::string p = "w" + std::to_string(w) + "_";
        auto typed = [&](const char* name) { return Typed(form, p + name); };
        bool any = false;
        for (const char* name : {"share", "born_from", "born_before", "starts", "deadline", "reminders"})
            any |= !typed(name).empty();
        if (!any && w > 1) continue;
        app::auth::ReloginWaveInput wave;
        if (!typed("share").empty()) {
            auto share = ParseWhole(typed("share"), 1, 100);
            if (!share) r.Fail(p + "share", "share");
            wave.share_percent = static_cast<int>(share.value_or(0));
        }
        for (auto [name, into] :
             {std::pair{"born_from", &wave.born_from}, std::pair{"born_before", &wave.born_before}})
            if (!typed(name).empty()) {
                *into = typed(name);
                if (!IsDate(**into)) r.Fail(p + name, name);
            }
        if (!wave.share_percent && !wave.born_from && !wave.born_before) r.Fail(p + "share", "share");
        auto starts = ParseLocalTime(typed("starts"), zone);
        auto deadline = ParseLocalTime(typed("deadline"), zone);
        if (!starts) r.Fail(p + "starts", "starts");
        if (!deadline || (starts && *deadline <= *starts)) r.Fail(p + "deadline", "deadline");
        wave.starts_at = starts.value_or(core::Timestamp{});
        wave.deadline_at = deadline.value_or(core::Timestamp{});
        std::string days = typed("reminders");
        std::replace(days.begin(), days.end(), ',', ' ');
        for (size_t at = 0; (at = days.find_first_not_of(' ', at)) != std::string::npos;) {
            size_t end = days.find(' ', at);
            auto d = ParseWhole(days.substr(at, end - at), 1, 365);
            if (!d || wave.reminder_days.size() == 20) {
                r.Fail(p + "reminders", "reminders");
                break;
            }
            wave.reminder_days.push_back(static_cast<int>(*d));
            at = end;
        }
        in.waves.push_back(wave);
        numbers.push_back(w);
    }
    return in;
}

// The service's name of a wave's field ("waves[1].deadline_at") to the form's ("w3_deadline").
FieldMap CampaignFields(const std::vector<int>& numbers) {
    FieldMap m = {{"name", "name"},
                  {"market", "market"},
                  {"required_method", "method"},
                  {"conflict", "name"},
                  {"waves", "w1_share"}};
    for (size_t i = 0; i < numbers.size(); ++i) {
        std::string service = "waves[" + std::to_string(i) + "]", p = "w" + std::to_string(numbers[i]) + "_";
        m[service] = p + "share";
        m[service + ".share_percent"] = p + "share";
        m[service + ".deadline_at"] = p + "deadline";
        m[service + ".reminder_days"] = p + "reminders";
    }
    return m;
}

struct Totals {
    int64_t participants = 0, notified = 0, reminded = 0, done = 0, logged_out = 0;
};

Totals Sum(const std::vector<store::ReloginWaveProgress>& progress) {
    Totals t;
    for (const auto& p : progress) {
        t.participants += p.participants;
        t.notified += p.notified;
        t.reminded += p.reminded;
        t.done += p.done;
        t.logged_out += p.logged_out;
    }
    return t;
}

json Figures(const Totals& t, const std::string& lang) {
    return {{"participants", FormatNumber(t.participants, lang)},
            {"notified", FormatNumber(t.notified, lang)},
            {"reminded", FormatNumber(t.reminded, lang)},
            {"done", FormatNumber(t.done, lang)},
            {"logged_out", FormatNumber(t.logged_out, lang)}};
}

// The run's counts, from "?done=run&assigned=..." after the job ran: whole numbers only.
json RunNotice(const Context& ctx, const std::string& lang) {
    if (ctx.request.Query("done").value_or("") != "run") return nullptr;
    json counts = json::object();
    for (const char* k : {"assigned", "notified", "reminded", "logged_out"}) {
        auto n = ParseWhole(ctx.request.Query(k).value_or(""), 0, 999'999'999);
        if (!n) return nullptr;
        counts[k] = FormatNumber(*n, lang);
    }
    return Cat().Format("bo_admin_done_run", lang, counts);
}

Response CampaignsPage(const Context& ctx, http::Services& s, const std::string& lang,
                       const Refusal& r = {}) {
    json d = BaseData(ctx, s, lang, "bo_relogin_title", "bo_relogin");
    d["notice"] = r.refused() ? json(nullptr) : RunNotice(ctx, lang);
    json rows = json::array();
    for (const auto& c : s.relogin->List()) {
        json row = {
            {"href", "/back-office/relogin/" + std::to_string(c.id)},
            {"name", c.name},
            {"market", c.market ? MarketName(s, *c.market) : Cat().Text("bo_relogin_every_market", lang)},
            {"method", MethodText(c.required_method, lang)},
            {"waves", std::to_string(c.waves.size())}};
        row.update(Figures(Sum(s.relogin->Progress(c.id)), lang));
        rows.push_back(row);
    }
    d["campaigns"] = rows;
    d["has_campaigns"] = !rows.empty();
    d["run_error"] = r.form == "run" && r.errors.count("") ? json(r.errors.at("")) : json(nullptr);
    d["create"] = CampaignForm(s, lang, r);
    return Html(ctx, r.refused() ? r.status : 200, RenderPage("bo_relogin", d));
}

// One campaign: per wave who is in it, when, and how far they are.
Response CampaignPage(const Context& ctx, http::Services& s, const std::string& lang,
                      const store::ReloginCampaignRecord& c) {
    json d = BaseData(ctx, s, lang, "bo_relogin_title", "bo_relogin");
    d["title"] = c.name + " – " + Cat().Text("bo_relogin_title", lang);
    d["notice"] = Notice(ctx, lang);
    const std::string zone = ZoneOf(s, c.market);
    auto progress = s.relogin->Progress(c.id);
    json waves = json::array();
    for (const auto& w : c.waves) {
        std::vector<std::string> who;
        if (w.share_to_bp - w.share_from_bp < 10'000 || (!w.born_from && !w.born_before))
            who.push_back(Cat().Format("bo_relogin_who_share", lang,
                                       {{"percent", Percent(w.share_to_bp - w.share_from_bp, lang)}}));
        if (w.born_from)
            who.push_back(Cat().Format("bo_relogin_who_born_from", lang,
                                       {{"date", FormatIsoDate(*w.born_from, lang)}}));
        if (w.born_before)
            who.push_back(Cat().Format("bo_relogin_who_born_before", lang,
                                       {{"date", FormatIsoDate(*w.born_before, lang)}}));
        std::string whom, reminders;
        for (const auto& x : who) whom += (whom.empty() ? "" : ", ") + x;
        for (int days : w.reminder_days) reminders += (reminders.empty() ? "" : ", ") + std::to_string(days);
        Totals t;
        for (const auto& p : progress)
            if (p.wave_id == w.id) t = Sum({p});
        json row = {{"number", std::to_string(w.number)},
                    {"who", whom},
                    {"starts", FormatDateTime(w.starts_at, zone, lang)},
                    {"deadline", FormatDateTime(w.deadline_at, zone, lang)},
                    {"reminders", reminders.empty()
                                      ? Cat().Text("bo_relogin_no_reminders", lang)
                                      : Cat().Format("bo_relogin_days_before", lang, {{"days", reminders}})}};
        row.update(Figures(t, lang));
        waves.push_back(row);
    }
    json campaign = {
        {"name", c.name},
        {"market", c.market ? MarketName(s, *c.market) : Cat().Text("bo_relogin_every_market", lang)},
        {"method", MethodText(c.required_method, lang)},
        {"created", FormatDateTime(c.created_at, zone, lang)},
        {"created_by", c.created_by},
        {"waves", waves}};
    campaign.update(Figures(Sum(progress), lang));
    d["campaign"] = campaign;
    return Html(ctx, 200, RenderPage("bo_relogin", d));
}

void AddReloginPages(http::Router& router, http::Services& s) {
    const bool available = s.relogin != nullptr;
    // GET /api/v1/relogin-campaigns: each with its figures.
    router.Add("GET", "/back-office/relogin", {},
               Staff(s, kOperators, available,
                     [&s](Context& ctx, const std::string& lang) { return CampaignsPage(ctx, s, lang); }));
    // POST /api/v1/relogin-campaigns: audited as the API's.
    router.Add(
        "POST", "/back-office/relogin", {},
        Staff(s, kOperators, available, [&s](Context& ctx, const std::string& lang) {
            auto form = ParseForm(ctx.request);
            if (!form) return ErrorPage(ctx, s, lang, 400, "error_form");
            Refusal r("relogin", *form, lang);
            std::vector<int> numbers;
            auto in = ReadCampaign(s, *form, r, numbers);
            if (r.refused()) return CampaignsPage(ctx, s, lang, r);
            auto created = s.relogin->Create(ctx.principal.Actor(), in);
            if (!created)
                return CampaignsPage(ctx, s, lang,
                                     Refused(r, created.error(), CampaignFields(numbers), lang));
            return SeeOther("/back-office/relogin/" + std::to_string(created->id) + "?done=campaign-created");
        }));
    // GET /api/v1/relogin-campaigns/{id}: per wave participants, notified, reminded, done, logged out.
    router.Add("GET", "/back-office/relogin/{campaign_id}", {},
               Staff(s, kOperators, available, [&s](Context& ctx, const std::string& lang) {
                   auto id = ParseWhole(ctx.Param("campaign_id"), 1, 999'999'999);
                   auto c =
                       id ? s.relogin->Find(*id)
                          : core::Result<store::ReloginCampaignRecord>(core::Error::NotFound("no campaign"));
                   if (!c) return ErrorPage(ctx, s, lang, 404, "bo_admin_error_not_found");
                   return CampaignPage(ctx, s, lang, *c);
               }));
    // POST /api/v1/jobs/relogin: the campaigns' step now (`andel serve` runs it every minute).
    router.Add(
        "POST", "/back-office/relogin/run", {},
        Staff(s, kOperators, available, [&s](Context& ctx, const std::string& lang) {
            auto report = s.relogin->Run();
            if (!report) {
                Refusal r("run", {}, lang);
                return CampaignsPage(ctx, s, lang, Refused(r, report.error(), {{"conflict", ""}}, lang));
            }
            return SeeOther("/back-office/relogin?done=run&assigned=" + std::to_string(report->assigned) +
                            "&notified=" + std::to_string(report->notified) +
                            "&reminded=" + std::to_string(report->reminded) +
                            "&logged_out=" + std::to_string(report->logged_out));
        }));
}

// ---- Reports: partner bonus (R_PART_4) and the dividend runs (R_BON_7) ----

Options GroupOptions(const std::string& lang) {
    return {{"home_store", Cat().Text("bo_report_by_home_store", lang)},
            {"partner", Cat().Text("bo_report_by_partner", lang)},
            {"category", Cat().Text("bo_report_by_category", lang)}};
}

// The partner report of the filter in the query (per home store, this year, in the first market, unless
// chosen): the filter's form, and the rows with their totals, or why the filter is refused.
json PartnerPart(const Context& ctx, http::Services& s, const std::string& lang, Refusal& r) {
    const std::string first = s.markets.empty() ? "" : s.markets.begin()->first;
    const std::string today = Today(s, "");
    Form q = ctx.request.query;
    auto value = [&q](const std::string& k, const std::string& fallback) {
        return q.count(k) ? Trim(Field(q, k)) : fallback;
    };
    const std::string from = value("from", today.substr(0, 4) + "-01-01"), to = value("to", today),
                      market = value("market", first), group_by = value("group_by", "home_store");
    r = Refusal("report", {{"from", from}, {"to", to}, {"market", market}, {"group_by", group_by}}, lang);
    if (!IsDate(from)) r.Fail("from");
    if (!IsDate(to) || to < from) r.Fail("to");
    if (!s.markets.contains(market)) r.Fail("market");
    if (!HasOption(GroupOptions(lang), group_by)) r.Fail("group_by");
    json part = {{"result", nullptr}};
    if (!r.refused()) {
        if (auto report = s.partners->Report(from, to, group_by, market)) {
            const std::string currency = CurrencyOf(s, market);
            auto money = [&](int64_t minor) { return FormatMoney(minor, currency, lang); };
            json rows = json::array();
            for (const auto& x : report->rows) {
                std::string name = x.name;
                if (group_by == "category") name = CategoryName(s, x.key, lang);
                if (group_by == "home_store" && x.key.empty())
                    name = Cat().Text("bo_report_no_home_store", lang);
                rows.push_back({{"name", name},
                                {"sales", FormatNumber(x.sales, lang)},
                                {"amount", money(x.amount_minor)},
                                {"bonus", money(x.bonus_minor)},
                                {"reversed", money(x.reversed_minor)},
                                {"net", money(x.bonus_minor - x.reversed_minor)}});
            }
            json owed = json::array();
            for (const auto& o : report->owed)
                owed.push_back({{"partner", o.partner_code},
                                {"period", FormatMoney(o.period_minor, o.currency, lang)},
                                {"outstanding", FormatMoney(o.outstanding_minor, o.currency, lang)}});
            part["result"] = {{"period", FormatIsoDate(from, lang) + " – " + FormatIsoDate(to, lang)},
                              {"by", Cat().Text("bo_report_by_" + group_by, lang)},
                              {"rows", rows},
                              {"has_rows", !rows.empty()},
                              {"bonus", money(report->bonus_minor)},
                              {"reversed", money(report->reversed_minor)},
                              {"net", money(report->bonus_minor - report->reversed_minor)},
                              {"owed", owed},
                              {"has_owed", !owed.empty()}};
        } else {
            r = Refused(r, report.error(), Same({"from", "to", "market", "group_by"}), lang);
        }
    }
    FormView f("report", lang, r.refused() ? r : Refusal(),
               {{"from", from}, {"to", to}, {"market", market}, {"group_by", group_by}});
    f.Input("from", "bo_report_from", kDate)
        .Input("to", "bo_report_to", kDate)
        .Select("market", "bo_market", MarketOptions(s, "", lang))
        .Select("group_by", "bo_report_group_by", GroupOptions(lang));
    part["form"] = f.Json("/back-office/reports", Cat().Text("bo_report_partner_heading", lang),
                          Cat().Text("bo_admin_show", lang), true);
    return part;
}

// The recorded dividend runs, and what a run of the year in the query would pay now (a dry run: nothing is
// paid or recorded).
json DividendPart(const Context& ctx, http::Services& s, const std::string& lang, Refusal& r) {
    std::string market;
    for (const auto& [code, rules] : s.markets)
        if (rules.reward == core::RewardKind::kBonusAndDividend && market.empty()) market = code;
    json part = {{"pays", !market.empty()}};
    if (market.empty()) return part;
    const std::string currency = CurrencyOf(s, market);
    json runs = json::array();
    {
        auto c = s.db.Read();
        for (const auto& run : store::DividendRunRepository(*c).Recent(20)) {
            const std::string zone = ZoneOf(s, run.market), cur = CurrencyOf(s, run.market);
            runs.push_back({{"year", std::to_string(run.year)},
                            {"market", run.market},
                            {"started", FormatDateTime(run.started_at, zone, lang)},
                            {"finished", run.finished_at ? FormatDateTime(*run.finished_at, zone, lang)
                                                         : Cat().Text("bo_dividend_not_finished", lang)},
                            {"households", FormatNumber(run.households, lang)},
                            {"lines", FormatNumber(run.lines, lang)},
                            {"base", FormatMoney(run.base_minor, cur, lang)},
                            {"paid", FormatMoney(run.amount_minor, cur, lang)},
                            {"late", FormatMoney(run.late_minor, cur, lang)}});
        }
    }
    part["runs"] = runs;
    part["has_runs"] = !runs.empty();
    const std::string last_year = std::to_string(std::stoi(Today(s, market).substr(0, 4)) - 1);
    std::string year = Trim(ctx.request.Query("dividend_year").value_or(""));
    Refusal dry("dividend", {{"dividend_year", year.empty() ? last_year : year}}, lang);
    if (!year.empty()) {
        auto y = ParseWhole(year, 1970, 9998);
        if (!y) dry.Fail("dividend_year");
        if (!dry.refused()) {
            app::DividendJob job(s.db, s.clock, s.markets);
            if (auto report = job.Run(static_cast<int>(*y), true)) {
                auto money = [&](int64_t minor) { return FormatMoney(minor, currency, lang); };
                part["preview"] = {{"year", year},
                                   {"households", FormatNumber(report->households, lang)},
                                   {"lines", FormatNumber(report->lines, lang)},
                                   {"base", money(report->base_minor)},
                                   {"amount", money(report->amount_minor)},
                                   {"paid", money(report->paid_minor)},
                                   {"already_paid", FormatNumber(report->already_paid, lang)},
                                   {"late", money(report->late_minor)}};
            } else {
                dry = Refused(dry, report.error(), {{"year", "dividend_year"}, {"R_BON_7", "dividend_year"}},
                              lang);
            }
        }
    }
    if (dry.refused()) r = dry;
    FormView f("dividend", lang, dry.refused() ? dry : Refusal(),
               {{"dividend_year", year.empty() ? last_year : year}});
    f.Input("dividend_year", "bo_dividend_year",
            Spec(4).Hint("bo_dividend_year_hint").Mode("numeric").Required());
    part["form"] = f.Json("/back-office/reports", Cat().Text("bo_dividend_preview_heading", lang),
                          Cat().Text("bo_dividend_preview_submit", lang), true);
    return part;
}

void AddReportPages(http::Router& router, http::Services& s) {
    // GET /api/v1/partner-reports and the dividend job's runs (`andel jobs run dividend`).
    router.Add(
        "GET", "/back-office/reports", {},
        Staff(s, kBackOffice, s.partners != nullptr, [&s](Context& ctx, const std::string& lang) {
            json d = BaseData(ctx, s, lang, "bo_reports_title", "bo_reports");
            Refusal partner, dividend;
            d["partner"] = PartnerPart(ctx, s, lang, partner);
            d["dividend"] = DividendPart(ctx, s, lang, dividend);
            int status = partner.refused() ? partner.status : dividend.refused() ? dividend.status : 200;
            return Html(ctx, status, RenderPage("bo_reports", d));
        }));
}

}  // namespace

json BackOfficeNav(const http::Principal& p, const std::string& lang, const std::string& active) {
    struct Part {
        const char *active, *href, *label;
        const std::set<std::string>* roles;  // null: every staff member
    };
    static const Part kParts[] = {{"bo_search", "/back-office", "bo_nav_search", nullptr},
                                  {"bo_partners", "/back-office/partners", "bo_nav_partners", &kBackOffice},
                                  {"bo_offers", "/back-office/offers", "bo_nav_offers", &kBackOffice},
                                  {"bo_relogin", "/back-office/relogin", "bo_nav_relogin", &kOperators},
                                  {"bo_reports", "/back-office/reports", "bo_nav_reports", &kBackOffice}};
    json nav = json::array();
    for (const auto& part : kParts)
        if (!part.roles || p.HasAny(*part.roles))
            nav.push_back({{"href", part.href},
                           {"label", Cat().Text(part.label, lang)},
                           {"current", active == part.active}});
    return nav;
}

void AddBackOfficeAdminPages(http::Router& router, http::Services& s) {
    AddPartnerPages(router, s);
    AddOfferPages(router, s);
    AddReloginPages(router, s);
    AddReportPages(router, s);
}

}  // namespace andel::web
