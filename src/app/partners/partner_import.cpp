// PartnerService::ImportSales: a partner's CSV file of sales (docs/integrating-partners.md "Sales by file").
// Streamed: rows are read one at a time, collected into batches of sales, and each batch is booked in one
// transaction with a savepoint per sale, so memory stays bounded whatever the file's size and a rejected
// sale leaves the others booked. A sale may span consecutive rows with the same sale_id (one per line).
#include <algorithm>
#include <cctype>
#include <istream>

#include "app/partners/partner_service.hpp"
#include "app/transaction.hpp"
#include "core/csv.hpp"

namespace andel::app {
namespace {

using core::Error;
using core::Result;

constexpr size_t kBatchSales = 2000;

enum Column {
    kSaleId,
    kMemberNumber,
    kSaleDate,
    kCategory,
    kAmount,
    kAmountMinor,
    kCurrency,
    kAvailableOn,
    kCount
};
constexpr const char* kColumnNames[kCount] = {"sale_id", "member_number", "sale_date", "category",
                                              "amount",  "amount_minor",  "currency",  "available_on"};

std::string Lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

std::string TrimSpaces(const std::string& s) {
    auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// "1500", "1500.5", "1500.50" -> minor units (two decimals: DKK, NOK, SEK). No thousands separators, no
// decimal comma (a comma separates fields), no sign.
std::optional<int64_t> ParseAmount(const std::string& s, bool minor) {
    if (s.empty() || s.size() > 16) return std::nullopt;
    int64_t whole = 0, fraction = 0;
    size_t i = 0, digits = 0;
    for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i, ++digits)
        whole = whole * 10 + (s[i] - '0');
    if (digits == 0) return std::nullopt;
    if (minor) return i == s.size() ? std::optional<int64_t>(whole) : std::nullopt;
    if (i == s.size()) return whole * 100;
    if (s[i] != '.' || s.size() - i - 1 < 1 || s.size() - i - 1 > 2) return std::nullopt;
    for (size_t j = i + 1; j < s.size(); ++j) {
        if (!std::isdigit(static_cast<unsigned char>(s[j]))) return std::nullopt;
        fraction = fraction * 10 + (s[j] - '0');
    }
    if (s.size() - i - 1 == 1) fraction *= 10;
    return whole * 100 + fraction;
}

// A sale being collected from its rows.
struct PendingSale {
    PartnerSaleInput input;
    std::vector<int64_t> lines;  // the file's line numbers of its rows
    std::optional<Error> error;  // a row of it was refused before booking
};

}  // namespace

Result<PartnerImportReport> PartnerService::ImportSales(
    int64_t partner_id, std::istream& csv, const std::function<void(const PartnerImportRow&)>& emit,
    const std::function<void(int64_t)>& progress, const std::string& actor) {
    {
        auto c = db_.Read();
        auto ctx = Load(*c, partner_id);
        if (!ctx) return ctx.error();
    }
    core::CsvReader reader(csv);
    core::CsvRecord record;
    PartnerImportReport report;

    // The header names the columns, in any order; amount (decimal) or amount_minor, and available_on, are
    // the choices.
    if (!reader.Next(record)) return Error::Malformed("the file is empty: a header row comes first", "file");
    if (record.error) return Error::Malformed("line 1: " + *record.error, "file");
    int index[kCount];
    std::fill(std::begin(index), std::end(index), -1);
    for (size_t i = 0; i < record.fields.size(); ++i) {
        std::string name = Lower(TrimSpaces(record.fields[i]));
        auto it = std::find(std::begin(kColumnNames), std::end(kColumnNames), name);
        if (it == std::end(kColumnNames))
            return Error::Malformed(
                "line 1: unknown column \"" + name.substr(0, 40) +
                    "\"; the columns are sale_id, member_number, sale_date, category, amount "
                    "(or amount_minor), currency and optionally available_on",
                "file");
        int col = static_cast<int>(it - std::begin(kColumnNames));
        if (index[col] >= 0) return Error::Malformed("line 1: column " + name + " appears twice", "file");
        index[col] = static_cast<int>(i);
    }
    for (int col : {kSaleId, kMemberNumber, kSaleDate, kCategory, kCurrency})
        if (index[col] < 0)
            return Error::Malformed(std::string("line 1: the header has no column ") + kColumnNames[col],
                                    "file");
    if ((index[kAmount] < 0) == (index[kAmountMinor] < 0))
        return Error::Malformed("line 1: the header has one of amount and amount_minor", "file");
    const size_t columns = record.fields.size();
    const bool minor = index[kAmountMinor] >= 0;

    std::vector<PendingSale> batch;
    auto reject_row = [&](int64_t line, const std::string& sale_id, const Error& e) {
        ++report.rejected;
        emit({line, sale_id, "rejected", 0, 0, "", e.detail, e.rule});
    };
    // Books a batch: one transaction, a savepoint per sale; results are told only once it is committed.
    auto flush = [&]() -> Result<void> {
        if (batch.empty()) return core::Ok();
        std::vector<std::optional<Result<PartnerSaleOutcome>>> results;
        for (int attempt = 0;; ++attempt) {
            results.assign(batch.size(), std::nullopt);
            try {
                store::Transaction tx(db_);
                auto& c = tx.conn();
                auto ctx = Load(c, partner_id);
                if (!ctx) return ctx.error();
                for (size_t i = 0; i < batch.size(); ++i) {
                    if (batch[i].error) continue;
                    c.ExecScript("SAVEPOINT sale");
                    auto r = SaleIn(c, *ctx, batch[i].input, actor);
                    c.ExecScript(r.ok() ? "RELEASE SAVEPOINT sale"
                                        : "ROLLBACK TO SAVEPOINT sale; RELEASE SAVEPOINT sale");
                    results[i] = std::move(r);
                }
                tx.Commit();
                break;
            } catch (const store::DbError& e) {
                bool retry = e.kind() == store::DbError::Kind::kBusy ||
                             e.kind() == store::DbError::Kind::kSerialization ||
                             e.kind() == store::DbError::Kind::kUniqueViolation;
                if (!retry || attempt >= 4) throw;
            }
        }
        for (size_t i = 0; i < batch.size(); ++i) {
            const auto& sale = batch[i];
            ++report.sales;
            const Error* error = sale.error ? &*sale.error : nullptr;
            if (!error && !results[i]->ok()) error = &results[i]->error();
            for (int64_t line : sale.lines) {
                if (error) {
                    reject_row(line, sale.input.sale_id, *error);
                    continue;
                }
                const auto& o = results[i]->value();
                o.replayed ? ++report.replayed : ++report.accepted;
                emit({line, sale.input.sale_id, o.replayed ? "replayed" : "accepted", o.sale.bonus_minor,
                      o.sale.reward, o.sale.reward_unit, "", ""});
            }
            if (!error && !results[i]->value().replayed)
                report.bonus_minor += results[i]->value().sale.bonus_minor;
        }
        batch.clear();
        return core::Ok();
    };

    while (reader.Next(record)) {
        ++report.rows;
        if (progress && report.rows % 4096 == 0) progress(reader.bytes_read());
        if (report.rows > kMaxImportRows)
            return Error{
                core::ErrorCode::kTooLarge, "a file holds at most 2 000 000 rows; split it", {}, "file"};
        auto field = [&](int col) -> std::string {
            return index[col] < 0 ? std::string()
                                  : TrimSpaces(record.fields[static_cast<size_t>(index[col])]);
        };
        if (record.error) {
            ANDEL_TRY(flush());
            reject_row(record.line, "", Error::Malformed(*record.error));
            continue;
        }
        if (record.fields.size() != columns) {
            ANDEL_TRY(flush());
            reject_row(record.line, record.fields.empty() ? "" : record.fields[0].substr(0, 64),
                       Error::Malformed("the row has " + std::to_string(record.fields.size()) +
                                        " fields; the header has " + std::to_string(columns)));
            continue;
        }
        core::PartnerSaleLine line{field(kCategory), 0};
        std::string amount_text = field(minor ? kAmountMinor : kAmount);
        auto amount = ParseAmount(amount_text, minor);
        std::optional<Error> row_error;
        if (!amount)
            row_error =
                Error::Malformed(minor ? "amount_minor is a whole number of minor units (øre), not negative"
                                       : "amount is like 1500 or 1500.00: a point for decimals, no sign, "
                                         "no thousands separator",
                                 minor ? "amount_minor" : "amount");
        else
            line.amount_minor = *amount;
        PartnerSaleInput in;
        in.sale_id = field(kSaleId);
        in.member_number = field(kMemberNumber);
        in.sale_date = field(kSaleDate);
        in.currency = field(kCurrency);
        if (std::string a = field(kAvailableOn); !a.empty()) in.available_on = a;
        in.via = "file";
        // A row continues the previous sale when it has the same sale_id; it must then agree on the rest.
        if (!batch.empty() && batch.back().input.sale_id == in.sale_id && !in.sale_id.empty()) {
            auto& sale = batch.back();
            sale.lines.push_back(record.line);
            if (!sale.error &&
                (sale.input.member_number != in.member_number || sale.input.sale_date != in.sale_date ||
                 sale.input.currency != in.currency || sale.input.available_on != in.available_on))
                sale.error =
                    Error::Malformed("the rows of sale " + in.sale_id +
                                     " differ in member_number, sale_date, currency or available_on");
            if (!sale.error && row_error) sale.error = *row_error;
            if (!sale.error && sale.input.lines.size() >= 100)
                sale.error = Error::Malformed("a sale has at most 100 lines");
            if (!sale.error) sale.input.lines.push_back(line);
            continue;
        }
        if (batch.size() >= kBatchSales) ANDEL_TRY(flush());
        in.lines.push_back(line);
        batch.push_back({std::move(in), {record.line}, row_error});
    }
    ANDEL_TRY(flush());
    if (progress) progress(reader.bytes_read());
    return report;
}

}  // namespace andel::app
