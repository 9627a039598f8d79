// Staged re-login campaigns (R_AUTH_5, R_AUTH_6): the operator defines them and follows their progress.
#include "app/auth/relogin_service.hpp"
#include "http/api/api.hpp"
#include "http/json_body.hpp"

namespace andel::http {
namespace {

using nlohmann::json;

json CampaignJson(const store::ReloginCampaignRecord& c,
                  const std::vector<store::ReloginWaveProgress>& progress) {
    json waves = json::array();
    for (const auto& w : c.waves) {
        json wave = {
            {"number", w.number},
            {"share_percent", w.share_to_bp - w.share_from_bp == 10'000 && !w.born_from && !w.born_before
                                  ? json(100)
                                  : json((w.share_to_bp - w.share_from_bp) / 100)},
            {"born_from", w.born_from ? json(*w.born_from) : json(nullptr)},
            {"born_before", w.born_before ? json(*w.born_before) : json(nullptr)},
            {"starts_at", IsoMillis(w.starts_at)},
            {"deadline_at", IsoMillis(w.deadline_at)},
            {"reminder_days", w.reminder_days}};
        for (const auto& p : progress)
            if (p.wave_id == w.id)
                wave["progress"] = {{"participants", p.participants},
                                    {"notified", p.notified},
                                    {"reminded", p.reminded},
                                    {"done", p.done},
                                    {"logged_out", p.logged_out}};
        waves.push_back(wave);
    }
    return {{"id", c.id},
            {"name", c.name},
            {"market", c.market ? json(*c.market) : json(nullptr)},
            {"required_method", c.required_method},
            {"created_by", c.created_by},
            {"created_at", IsoMillis(c.created_at)},
            {"waves", waves}};
}

std::optional<core::Timestamp> ReadTime(Fields& f, const std::string& name) {
    std::string text = f.RequiredString(name, 40);
    if (!f.ok()) return std::nullopt;
    core::Timestamp t;
    if (!core::ParseTimestamp(text, t)) {
        f.Fail(name, "must be an RFC 3339 time, e.g. 2026-12-01T08:00:00Z");
        return std::nullopt;
    }
    return t;
}

}  // namespace

void AddReloginRoutes(Router& router, Services& s) {
    const std::set<std::string> operators = {app::auth::kRoleAdmin, app::kRoleBackOffice};

    router.Add("POST", "/api/v1/relogin-campaigns", operators, [&s](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        app::auth::ReloginCampaignInput in;
        in.name = f.RequiredString("name", 200);
        in.market = f.OptionalString("market", 8);
        in.required_method = f.RequiredString("required_method", 16);
        if (const json* waves = f.Array("waves", 50, true)) {
            for (size_t i = 0; i < waves->size(); ++i) {
                const json& w = (*waves)[i];
                std::string prefix = "waves[" + std::to_string(i) + "]";
                if (!w.is_object()) {
                    f.Fail(prefix, "must be an object");
                    break;
                }
                Fields wf(w, prefix);
                app::auth::ReloginWaveInput wave;
                if (auto share = wf.OptionalInt("share_percent", 1, 100))
                    wave.share_percent = static_cast<int>(*share);
                wave.born_from = wf.OptionalString("born_from", 10);
                wave.born_before = wf.OptionalString("born_before", 10);
                auto starts = ReadTime(wf, "starts_at");
                auto deadline = ReadTime(wf, "deadline_at");
                if (const json* days = wf.Array("reminder_days", 20, false)) {
                    for (const auto& d : *days) {
                        if (!d.is_number_integer() || d.get<int64_t>() < 1 || d.get<int64_t>() > 365) {
                            wf.Fail("reminder_days", "must be whole days, 1 to 365");
                            break;
                        }
                        wave.reminder_days.push_back(d.get<int>());
                    }
                }
                if (auto done = wf.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
                wave.starts_at = *starts;
                wave.deadline_at = *deadline;
                in.waves.push_back(wave);
            }
        }
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        auto created = s.relogin->Create(ctx.principal.Actor(), in);
        if (!created) return Problem(created.error(), ctx.request.request_id);
        return JsonResponse(201, CampaignJson(*created, s.relogin->Progress(created->id)));
    });

    router.Add("GET", "/api/v1/relogin-campaigns", operators, [&s](Context&) {
        json items = json::array();
        for (const auto& c : s.relogin->List()) items.push_back(CampaignJson(c, s.relogin->Progress(c.id)));
        return JsonResponse(200, {{"items", items}});
    });

    // Progress per wave: participants, notified, reminded, done, logged out.
    router.Add("GET", "/api/v1/relogin-campaigns/{campaign_id}", operators, [&s](Context& ctx) {
        auto id = ParseId(ctx.Param("campaign_id"));
        auto campaign =
            id ? s.relogin->Find(*id)
               : core::Result<store::ReloginCampaignRecord>(core::Error::NotFound("no such campaign"));
        if (!campaign) return Problem(campaign.error(), ctx.request.request_id);
        return JsonResponse(200, CampaignJson(*campaign, s.relogin->Progress(*id)));
    });

    // Runs the campaigns' step now (`andel serve` runs it every minute): participants, messages, logouts.
    router.Add("POST", "/api/v1/jobs/relogin", operators, [&s](Context& ctx) {
        auto report = s.relogin->Run();
        if (!report) return Problem(report.error(), ctx.request.request_id);
        return JsonResponse(200, {{"assigned", report->assigned},
                                  {"notified", report->notified},
                                  {"reminded", report->reminded},
                                  {"logged_out", report->logged_out}});
    });
}

}  // namespace andel::http
