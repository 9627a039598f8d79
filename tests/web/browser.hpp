#pragma once
// A browser in miniature for the page tests: it keeps cookies, sends forms url-encoded, and follows nothing
// by itself; and what the tests look for in a page.
#include <map>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "http/router.hpp"
#include "http/urlencoded.hpp"

namespace andel::web {

struct Page {
    int status = 0;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string Header(const std::string& name) const {
        for (const auto& [k, v] : headers)
            if (k == name) return v;
        return {};
    }
};

class Browser {
  public:
    explicit Browser(http::Router& router) : router_(router) {}
    Page Get(const std::string& target) { return Send("GET", target, {}); }
    Page Post(const std::string& target, const std::vector<std::pair<std::string, std::string>>& fields) {
        std::string body;
        for (const auto& [k, v] : fields) {
            if (!body.empty()) body += '&';
            body += http::PercentEncode(k) + "=" + http::PercentEncode(v);
        }
        return Send("POST", target, body);
    }
    std::string cookies;  // "a=1; b=2"
    std::string accept_language;

  private:
    Page Send(const std::string& method, const std::string& target, const std::string& body) {
        http::Request r;
        r.method = method;
        r.target = target;
        auto q = target.find('?');
        r.path = target.substr(0, q);
        if (q != std::string::npos) http::ParseQuery(target.substr(q + 1), r.query);
        r.body = body;
        r.request_id = "page-test";
        r.remote_address = "192.0.2.80";
        r.headers.emplace_back("user-agent", "PageTest/1.0");
        if (method == "POST") r.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
        if (!cookies.empty()) r.headers.emplace_back("cookie", cookies);
        if (!accept_language.empty()) r.headers.emplace_back("accept-language", accept_language);
        auto response = router_.Handle(r);
        Page p{response.status, response.body, response.headers};
        for (const auto& [k, v] : response.headers)
            if (k == "Set-Cookie") Keep(v);
        return p;
    }
    void Keep(const std::string& set_cookie) {
        std::string pair = set_cookie.substr(0, set_cookie.find(';'));
        std::string name = pair.substr(0, pair.find('='));
        bool cleared = set_cookie.find("Max-Age=0") != std::string::npos;
        std::map<std::string, std::string> jar;
        std::string rest = cookies;
        while (!rest.empty()) {
            auto end = rest.find("; ");
            std::string kv = rest.substr(0, end);
            jar[kv.substr(0, kv.find('='))] = kv;
            rest = end == std::string::npos ? "" : rest.substr(end + 2);
        }
        if (cleared)
            jar.erase(name);
        else
            jar[name] = pair;
        cookies.clear();
        for (const auto& [k, kv] : jar) cookies += (cookies.empty() ? "" : "; ") + kv;
    }
    http::Router& router_;
};

inline std::string CsrfOf(const std::string& html) {
    std::smatch m;
    if (!std::regex_search(html, m, std::regex("name=\"csrf_token\" value=\"([^\"]+)\""))) return {};
    return m[1].str();
}

inline bool Contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace andel::web
