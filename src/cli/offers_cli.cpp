#include "cli/offers_cli.hpp"

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "http/api/offer_json.hpp"

namespace andel::cli {
namespace {

using nlohmann::json;

int Fail(const core::Error& e, const std::string& prefix = {}) {
    std::cerr << "andel: " << prefix << e.detail << (e.rule.empty() ? "" : " (" + e.rule + ")")
              << (e.field.empty() ? "" : " [" + e.field + "]") << "\n";
    return 1;
}

std::string Line(const app::OfferView& v) {
    const auto& r = v.record;
    std::ostringstream out;
    out << r.code << "  " << r.market << "  " << v.state << "  " << r.kind << "  " << r.valid_from << ".."
        << r.valid_to << "  " << r.audience << (r.requires_activation ? "  activation" : "") << "  "
        << r.title;
    return out.str();
}

std::optional<json> ReadFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        std::cerr << "andel: cannot read " << path << "\n";
        return std::nullopt;
    }
    std::stringstream text;
    text << in.rdbuf();
    json j = json::parse(text.str(), nullptr, false);
    if (j.is_discarded() || !(j.is_object() || j.is_array())) {
        std::cerr << "andel: " << path << " is not a JSON offer or an array of offers\n";
        return std::nullopt;
    }
    return j;
}

}  // namespace

int RunOffers(const OffersCommand& cmd, app::OfferService& offers) {
    const std::string actor = "cli";
    if (cmd.verb == "list") {
        auto list = offers.List(cmd.market);
        if (!list) return Fail(list.error());
        for (const auto& v : *list) std::cout << Line(v) << "\n";
        std::cout << list->size() << " offers\n";
        return 0;
    }
    if (cmd.verb == "create") {
        auto file = ReadFile(cmd.file);
        if (!file) return 1;
        json items = file->is_array() ? *file : json::array({*file});
        int created = 0, refused = 0;
        for (size_t i = 0; i < items.size(); ++i) {
            std::string where =
                cmd.file + ": offer " + std::to_string(i + 1) +
                (items[i].is_object() && items[i].contains("code") && items[i]["code"].is_string()
                     ? " (" + items[i]["code"].get<std::string>() + ")"
                     : "") +
                ": ";
            auto in = items[i].is_object()
                          ? http::ReadOfferJson(items[i], true)
                          : core::Result<app::OfferInput>(core::Error::Malformed("not an object"));
            core::Result<app::OfferView> v =
                in ? offers.Create(*in, actor) : core::Result<app::OfferView>(in.error());
            if (!v) {
                Fail(v.error(), where);
                ++refused;
                continue;
            }
            ++created;
            std::cout << "created " << Line(*v) << "\n";
        }
        std::cout << created << " offers created, " << refused << " refused\n";
        return refused > 0 ? 3 : 0;
    }
    if (cmd.verb == "update") {
        auto file = ReadFile(cmd.file);
        if (!file) return 1;
        if (!file->is_object()) {
            std::cerr << "andel: update takes one offer (a JSON object)\n";
            return 1;
        }
        auto in = http::ReadOfferJson(*file, false);
        if (!in) return Fail(in.error());
        auto v = offers.Update(cmd.code, *in, actor);
        if (!v) return Fail(v.error());
        std::cout << "updated " << Line(*v) << "\n";
        return 0;
    }
    if (cmd.verb == "pause" || cmd.verb == "resume") {
        auto v = offers.SetStatus(cmd.code, cmd.verb == "pause" ? "paused" : "active", actor);
        if (!v) return Fail(v.error());
        std::cout << (cmd.verb == "pause" ? "paused " : "resumed ") << Line(*v) << "\n";
        return 0;
    }
    if (cmd.verb == "report") {
        auto r = offers.Report(cmd.code);
        if (!r) return Fail(r.error());
        json j = http::OfferReportJson(*r);
        std::cout << Line(r->offer) << "\n"
                  << "assigned " << j["assigned"] << ", activated " << j["activated"] << ", redeemed "
                  << j["redeemed"] << " (units " << j["units"] << "), discount " << j["discount_minor"]
                  << " minor units, bonus " << j["bonus_minor"] << " minor units, points " << j["points"]
                  << "\n";
        return 0;
    }
    if (cmd.verb == "assign") {
        auto n = offers.Assign(cmd.code, cmd.members, actor);
        if (!n) return Fail(n.error());
        std::cout << "assigned " << cmd.code << " to " << *n << " more members\n";
        return 0;
    }
    std::cerr << "andel: unknown offers verb " << cmd.verb << "\n";
    return 1;
}

}  // namespace andel::cli
