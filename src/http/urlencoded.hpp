#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace andel::http {

// Decodes %XX escapes (and '+' as a space in query components and form bodies). Refuses a malformed escape
// and an encoded NUL, which would otherwise cut strings short further down (C APIs, file names).
std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space);

// "a=1&b=x+y&c" -> {a:1, b:"x y", c:""}: a query string, or a form's application/x-www-form-urlencoded
// body. False on a malformed escape.
bool ParseQuery(std::string_view query, std::multimap<std::string, std::string>& out);

// %-encodes everything but RFC 3986's unreserved characters: for a query value or a form field
// (notify::UrlEncode, which the SMS gateway's form bodies use too).
std::string PercentEncode(std::string_view in);

}  // namespace andel::http
