#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace andel::web {

// The page templates (src/web/templates/*.mustache, compiled in): logic-less mustache, every {{value}}
// HTML-escaped ({{{value}}} only for HTML the program made). Templates named _name are partials ({{>_name}}).
std::vector<std::string> TemplateNames();
// The template's text; throws std::out_of_range for an unknown name.
const std::string& TemplateText(const std::string& name);

// Renders template `name` with `data` (objects, arrays, strings, numbers, booleans; null is false), then
// the layout around it with the same data and the result as `content`. Throws std::runtime_error when a
// template does not parse (a test renders every page, so that is a bug).
std::string RenderPage(const std::string& name, const nlohmann::json& data);
// One template alone, without the layout.
std::string RenderTemplate(const std::string& name, const nlohmann::json& data);

}  // namespace andel::web
