// libFuzzer target: the till's NDJSON receipt batch (POST /api/v1/till/receipts/batch, ledger_api.cpp), the
// input being the body, posted with the demo till's key through the router. Beyond the API's contract
// (fuzz::CheckResponse) the answer must be NDJSON with one line per receipt line, in order: each a JSON
// object naming its input line, with status 200 or 201 and a result, or a 4xx status and a problem. A batch
// without a receipt is a 400; more than 10 000 receipts are a 413.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "app/ledger/receipt_service.hpp"
#include "fuzz_app.hpp"

namespace andel::fuzz {
namespace {

// The numbers (from 1) of the lines the batch reads: those with a character other than space, tab or CR.
std::vector<size_t> ReceiptLines(std::string_view body) {
    std::vector<size_t> out;
    for (size_t number = 1; !body.empty(); ++number) {
        const size_t end = body.find('\n');
        if (body.substr(0, end).find_first_not_of(" \t\r") != std::string_view::npos) out.push_back(number);
        body = end == std::string_view::npos ? std::string_view() : body.substr(end + 1);
    }
    return out;
}

[[noreturn]] void Broken(const char* what, const http::Response& response) {
    std::fprintf(stderr, "receipt batch: %s\n%d %s\n%.2000s\n", what, response.status,
                 response.content_type.c_str(), response.body.c_str());
    std::abort();
}

void CheckAnswer(const std::vector<size_t>& lines, const http::Response& response) {
    if (lines.empty()) {
        if (response.status != 400) Broken("an empty batch is not a 400", response);
        return;
    }
    if (lines.size() > app::ReceiptService::kMaxBatch) {
        if (response.status != 413) Broken("an oversized batch is not a 413", response);
        return;
    }
    if (response.status != 200 || response.content_type != "application/x-ndjson")
        Broken("a batch is not answered with 200 NDJSON", response);
    std::string_view rest = response.body;
    for (const size_t line : lines) {
        const size_t end = rest.find('\n');
        if (end == std::string_view::npos) Broken("fewer answers than receipt lines", response);
        const auto answer = nlohmann::json::parse(rest.substr(0, end), nullptr, false);
        rest.remove_prefix(end + 1);
        if (!answer.is_object() || answer.value("line", size_t{0}) != line)
            Broken("an answer does not name its line", response);
        const int status = answer.value("status", 0);
        const auto problem = answer.value("problem", nlohmann::json());
        const bool posted = (status == 200 || status == 201) && answer.contains("result");
        const bool refused =
            status >= 400 && status < 500 && problem.is_object() && problem.value("status", 0) == status;
        if (!posted && !refused) Broken("an answer is neither a result nor a 4xx problem", response);
    }
    if (!rest.empty()) Broken("more answers than receipt lines", response);
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
    request.method = "POST";
    request.target = request.path = "/api/v1/till/receipts/batch";
    request.headers = {{"content-type", "application/x-ndjson"}};
    request.body.assign(reinterpret_cast<const char*>(data), size);
    const auto response = app.Send(request);
    CheckResponse(request, response);
    CheckAnswer(ReceiptLines(request.body), response);
    return 0;
}
