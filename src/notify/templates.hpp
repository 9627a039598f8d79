#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace andel::notify {

struct RenderedMessage {
    std::string subject, body;
};

// The messages Andel sends, in Danish, Norwegian (Bokmål), Swedish and English: i18n/messages.toml,
// embedded in the binary. Templates are plain-text mustache (no HTML escaping); the catalogue is immutable
// once loaded, so one instance is shared by every thread.
class MessageCatalogue {
  public:
    // The catalogue compiled into the binary; parsed once. Throws on a broken catalogue (a build bug that the
    // tests catch).
    static const MessageCatalogue& Embedded();
    // Parses a catalogue from TOML text: a table per key, a table per language inside it, each with a
    // non-empty `subject` and `body` that are valid mustache. Malformed when any of that is not so.
    static core::Result<MessageCatalogue> Parse(std::string_view toml);

    // Renders `key` in `language` (English when the catalogue lacks that language) with `params`, a JSON
    // object of strings or numbers. Invalid for an unknown key, a params value that is not a string or
    // number, and a variable of the template that params does not give (so no message goes out with a
    // hole where a code or a link should be).
    core::Result<RenderedMessage> Render(const std::string& key, const std::string& language,
                                         const nlohmann::json& params) const;
    // The language Render uses for `language`: itself when the catalogue has it for `key`, else "en".
    std::string EffectiveLanguage(const std::string& key, const std::string& language) const;
    bool HasKey(const std::string& key) const { return messages_.count(key) != 0; }
    // Whether any language's subject or body of `key` names the variable `name`.
    bool Uses(const std::string& key, const std::string& name) const;

    std::vector<std::string> Keys() const;       // sorted
    std::vector<std::string> Languages() const;  // sorted; every language any key has

    static constexpr const char* kFallbackLanguage = "en";

  private:
    struct Text {
        std::string subject, body;
    };
    std::map<std::string, std::map<std::string, Text>> messages_;  // key -> language -> text
};

// The variables a mustache template names ({{name}}, {{{name}}}, {{&name}}), in order of appearance,
// without sections, comments or partials.
std::vector<std::string> TemplateVariables(std::string_view text);

}  // namespace andel::notify
