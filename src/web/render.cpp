#include "web/render.hpp"

#include <kainjow/mustache.hpp>
#include <map>
#include <stdexcept>

#include "store/embedded_files.hpp"

namespace andel::web {
namespace {

namespace mustache = kainjow::mustache;

const std::string kPrefix = "src/web/templates/";
const std::string kSuffix = ".mustache";

const std::map<std::string, std::string>& Templates() {
    static const std::map<std::string, std::string> templates = [] {
        std::map<std::string, std::string> out;
        for (const auto& [path, text] : embedded::Files())
            if (path.starts_with(kPrefix) && path.ends_with(kSuffix))
                out.emplace(path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size()),
                            std::string(text));
        return out;
    }();
    return templates;
}

mustache::data ToData(const nlohmann::json& j) {
    switch (j.type()) {
        case nlohmann::json::value_t::object: {
            mustache::data d(mustache::data::type::object);
            for (const auto& [k, v] : j.items()) d.set(k, ToData(v));
            return d;
        }
        case nlohmann::json::value_t::array: {
            mustache::data d(mustache::data::type::list);
            for (const auto& v : j) d.push_back(ToData(v));
            return d;
        }
        case nlohmann::json::value_t::string:
            return mustache::data(j.get<std::string>());
        case nlohmann::json::value_t::boolean:
            return mustache::data(j.get<bool>());
        case nlohmann::json::value_t::null:
            return mustache::data(false);
        default:
            return mustache::data(j.dump());
    }
}

std::string Render(const std::string& name, mustache::data& data) {
    mustache::mustache tmpl(TemplateText(name));
    if (!tmpl.is_valid()) throw std::runtime_error("template " + name + ": " + tmpl.error_message());
    std::string out = tmpl.render(data);
    if (!tmpl.is_valid()) throw std::runtime_error("template " + name + ": " + tmpl.error_message());
    return out;
}

mustache::data WithPartials(const nlohmann::json& j) {
    mustache::data data = ToData(j);
    for (const auto& [name, text] : Templates()) {
        if (!name.starts_with('_')) continue;
        const std::string* t = &text;
        data.set(name, mustache::partial([t] { return *t; }));
    }
    return data;
}

}  // namespace

std::vector<std::string> TemplateNames() {
    std::vector<std::string> names;
    for (const auto& [name, _] : Templates()) names.push_back(name);
    return names;
}

const std::string& TemplateText(const std::string& name) { return Templates().at(name); }

std::string RenderTemplate(const std::string& name, const nlohmann::json& j) {
    mustache::data data = WithPartials(j);
    return Render(name, data);
}

std::string RenderPage(const std::string& name, const nlohmann::json& j) {
    mustache::data data = WithPartials(j);
    std::string content = Render(name, data);
    data.set("content", content);
    return Render("layout", data);
}

}  // namespace andel::web
