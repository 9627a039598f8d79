#include "notify/templates.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <kainjow/mustache.hpp>
#include <set>
#include <stdexcept>

#include "store/embedded_files.hpp"

namespace andel::notify {
namespace {

namespace mustache = kainjow::mustache;

constexpr const char* kCataloguePath = "i18n/messages.toml";

std::string Trim(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
    return std::string(s.substr(b, e - b));
}

// A template that parses as mustache (plain text: no escaping).
mustache::mustache Compile(const std::string& text) {
    mustache::mustache m(text);
    m.set_custom_escape([](const std::string& s) { return s; });
    return m;
}

}  // namespace

std::vector<std::string> TemplateVariables(std::string_view text) {
    std::vector<std::string> out;
    size_t pos = 0;
    while ((pos = text.find("{{", pos)) != std::string_view::npos) {
        bool triple = text.substr(pos, 3) == "{{{";
        size_t start = pos + (triple ? 3 : 2);
        std::string_view close = triple ? "}}}" : "}}";
        size_t end = text.find(close, start);
        if (end == std::string_view::npos) break;
        std::string tag = Trim(text.substr(start, end - start));
        pos = end + close.size();
        if (tag.empty()) continue;
        char sigil = tag.front();
        if (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '!' || sigil == '>' || sigil == '=')
            continue;
        if (sigil == '&') tag = Trim(std::string_view(tag).substr(1));
        if (!tag.empty()) out.push_back(tag);
    }
    return out;
}

const MessageCatalogue& MessageCatalogue::Embedded() {
    static const MessageCatalogue catalogue = [] {
        const auto& files = embedded::Files();
        auto it = files.find(kCataloguePath);
        if (it == files.end()) throw std::logic_error("i18n/messages.toml is not embedded");
        auto parsed = Parse(it->second);
        if (!parsed.ok()) throw std::logic_error("i18n/messages.toml: " + parsed.error().detail);
        return std::move(parsed).value();
    }();
    return catalogue;
}

core::Result<MessageCatalogue> MessageCatalogue::Parse(std::string_view text) {
    toml::table root;
    try {
        root = toml::parse(text);
    } catch (const toml::parse_error& e) {
        return core::Error::Malformed(std::string(e.description()));
    }
    MessageCatalogue out;
    for (const auto& [key, languages] : root) {
        const auto* by_language = languages.as_table();
        if (!by_language) return core::Error::Malformed(std::string(key.str()) + " is not a table");
        for (const auto& [language, entry] : *by_language) {
            std::string where(key.str());
            where += '.';
            where += language.str();
            const auto* t = entry.as_table();
            if (!t) return core::Error::Malformed(where + " is not a table");
            auto subject = (*t)["subject"].value<std::string>();
            auto body = (*t)["body"].value<std::string>();
            if (!subject || subject->empty() || !body || body->empty())
                return core::Error::Malformed(where + " needs a subject and a body");
            for (const std::string* s : {&*subject, &*body})
                if (auto m = Compile(*s); !m.is_valid())
                    return core::Error::Malformed(where + ": " + m.error_message());
            out.messages_[std::string(key.str())][std::string(language.str())] = {*subject, *body};
        }
    }
    return out;
}

std::string MessageCatalogue::EffectiveLanguage(const std::string& key, const std::string& language) const {
    auto k = messages_.find(key);
    if (k != messages_.end() && k->second.count(language)) return language;
    return kFallbackLanguage;
}

core::Result<RenderedMessage> MessageCatalogue::Render(const std::string& key, const std::string& language,
                                                       const nlohmann::json& params) const {
    auto k = messages_.find(key);
    if (k == messages_.end()) return core::Error::Invalid("unknown message template " + key, "template");
    auto l = k->second.find(EffectiveLanguage(key, language));
    if (l == k->second.end())
        return core::Error::Invalid("message template " + key + " has no English text", "template");
    if (!params.is_null() && !params.is_object())
        return core::Error::Invalid("message parameters must be an object", "params");

    mustache::data data(mustache::data::type::object);
    if (params.is_object()) {
        for (const auto& [name, value] : params.items()) {
            if (value.is_string())
                data.set(name, value.get<std::string>());
            else if (value.is_number() || value.is_boolean())
                data.set(name, value.dump());
            else if (!value.is_null())
                return core::Error::Invalid("message parameter " + name + " must be a string or a number",
                                            "params");
        }
    }
    RenderedMessage out;
    for (auto [text, target] : {std::pair{&l->second.subject, &out.subject}, {&l->second.body, &out.body}}) {
        for (const auto& name : TemplateVariables(*text)) {
            if (!params.is_object() || !params.contains(name) || params[name].is_null())
                return core::Error::Invalid("message " + key + " needs the parameter " + name, "params");
        }
        auto m = Compile(*text);
        *target = m.render(data);
        if (!m.is_valid())
            return core::Error::Invalid("message " + key + ": " + m.error_message(), "template");
    }
    return out;
}

bool MessageCatalogue::Uses(const std::string& key, const std::string& name) const {
    auto k = messages_.find(key);
    if (k == messages_.end()) return false;
    for (const auto& [language, text] : k->second)
        for (const std::string* t : {&text.subject, &text.body}) {
            auto vars = TemplateVariables(*t);
            if (std::find(vars.begin(), vars.end(), name) != vars.end()) return true;
        }
    return false;
}

std::vector<std::string> MessageCatalogue::Keys() const {
    std::vector<std::string> out;
    for (const auto& [key, unused] : messages_) out.push_back(key);
    return out;
}

std::vector<std::string> MessageCatalogue::Languages() const {
    std::set<std::string> all;
    for (const auto& [key, languages] : messages_)
        for (const auto& [language, unused] : languages) all.insert(language);
    return {all.begin(), all.end()};
}

}  // namespace andel::notify
