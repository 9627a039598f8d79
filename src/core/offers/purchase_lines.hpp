#pragma once
// The lines of a stored receipt as the recommender reads them (app::PersonaliseService): a receipt's `lines`
// column is nlohmann-json's dump of [[sku, category, quantity, amount_minor, discount_minor], ...]
// (app::ReceiptService). Reading hundreds of millions of them is most of the weekly job, so that exact shape
// is scanned directly; any other text (escapes, other types or field counts, bad UTF-8, ...) is parsed with
// nlohmann-json instead, which decides, so the result is the same either way.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace andel::core {

struct PurchaseLine {
    std::string_view sku;
    std::string_view category;  // "" when the line's category is not a string
    int64_t quantity = 0;       // as stored: a returned line is negative
};

class PurchaseLinesReader {
  public:
    // The lines of `json` that are arrays of at least three values with a string first and an integer third
    // (others are left out), in order; none when it is not a JSON array. Valid until the next call and while
    // `json` lives.
    std::span<const PurchaseLine> Read(std::string_view json);
    // How many texts were not of the exact shape and went to nlohmann-json.
    int64_t fallbacks() const { return fallbacks_; }

  private:
    bool ReadExact(std::string_view json);
    void ReadAny(std::string_view json);
    std::vector<PurchaseLine> lines_;
    std::vector<std::string> storage_;  // ReadAny's strings
    int64_t fallbacks_ = 0;
};

}  // namespace andel::core
