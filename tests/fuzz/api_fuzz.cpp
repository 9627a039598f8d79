// libFuzzer target: a request to any API route, straight into the router (issue 11 §3: the JSON bodies of
// every write route). An input is
//   METHOD target          e.g. "POST /api/v1/members/33216744/cards"
//   name: value            optional headers; Content-Type is application/json unless one is given
//                          (an empty line)
//   body
// The caller is one the matched route admits (fuzz::FuzzApp), so the body reaches the handler; the answer
// must keep the API's contract (fuzz::CheckResponse). The seeds (tests/fuzz/corpus/api) hold a request with
// a well-formed body for every write route: tests/fuzz/make_api_seeds.mjs writes them from api/openapi.yaml.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_app.hpp"

namespace andel::fuzz {
namespace {

std::string Lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// False for an input that is not a request in the format above (libFuzzer then keeps it out of the corpus).
bool ReadInput(std::string_view input, http::Request& request) {
    const size_t blank = input.find("\n\n");
    std::string_view head = input.substr(0, blank);
    if (blank != std::string_view::npos) request.body = std::string(input.substr(blank + 2));
    const size_t line_end = head.find('\n');
    if (!ParseRequestLine(head.substr(0, line_end), request)) return false;
    head = line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 1);
    while (!head.empty()) {
        const size_t end = head.find('\n');
        const std::string_view line = head.substr(0, end);
        head = end == std::string_view::npos ? std::string_view() : head.substr(end + 1);
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) return false;
        std::string_view value = line.substr(colon + 1);
        while (value.starts_with(' ')) value.remove_prefix(1);
        request.headers.emplace_back(Lower(line.substr(0, colon)), std::string(value));
    }
    if (!request.Header("content-type")) request.headers.emplace_back("content-type", "application/json");
    return true;
}

}  // namespace
}  // namespace andel::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace andel::fuzz;
    static FuzzApp& app = *[] {
        QuietLogs();
        return new FuzzApp();
    }();
    andel::http::Request request;
    if (!ReadInput({reinterpret_cast<const char*>(data), size}, request)) return -1;
    CheckResponse(request, app.Send(request));
    return 0;
}
