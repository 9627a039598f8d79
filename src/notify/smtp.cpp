#include "notify/smtp.hpp"

#include <curl/curl.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>

#include "notify/outbox.hpp"

namespace andel::notify {
namespace {

constexpr size_t kMaxEncodedChunk = 45;  // raw bytes per encoded word: 60 base64 characters + 12 = 72 <= 75
constexpr size_t kMaxBody = 1024 * 1024;

void GlobalInit() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool HasLineBreak(const std::string& s) { return s.find_first_of("\r\n") != std::string::npos; }

bool IsAscii(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
}

std::string Base64(std::string_view raw) {
    std::string out(sodium_base64_encoded_len(raw.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.resize(std::strlen(out.c_str()));
    return out;
}

// Lines end in CRLF, whatever they ended in before.
std::string ToCrlf(const std::string& text) {
    std::string out;
    out.reserve(text.size() + text.size() / 32);
    for (size_t i = 0; i < text.size(); ++i) {
        char ch = text[i];
        if (ch == '\r') {
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
            out += "\r\n";
        } else if (ch == '\n') {
            out += "\r\n";
        } else {
            out += ch;
        }
    }
    return out;
}

std::string RfcDate(std::chrono::system_clock::time_point t) {
    std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);  // C locale names, as RFC 5322 wants
    return buf;
}

std::string NewMessageId(const std::string& from) {
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    char hex[sizeof raw * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    std::string id = "<";
    id += hex;
    id += '@';
    id += from.substr(from.find('@') + 1);
    id += '>';
    return id;
}

struct Upload {
    const std::string& data;
    size_t offset = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
    auto* up = static_cast<Upload*>(user);
    size_t n = std::min(size * count, up->data.size() - up->offset);
    std::memcpy(buffer, up->data.data() + up->offset, n);
    up->offset += n;
    return n;
}

// smtp://127.0.0.1:..., smtp://localhost:..., smtp://[::1]:...: a relay on this machine.
bool IsLoopback(const std::string& url) {
    size_t scheme = url.find("://");
    std::string_view rest =
        scheme == std::string::npos ? std::string_view(url) : std::string_view(url).substr(scheme + 3);
    for (std::string_view host : {"127.0.0.1", "localhost", "[::1]"})
        if (rest.substr(0, host.size()) == host &&
            (rest.size() == host.size() || rest[host.size()] == ':' || rest[host.size()] == '/'))
            return true;
    return false;
}

core::Error Unavailable(std::string detail) {
    core::Error error;
    error.code = core::ErrorCode::kUnavailable;
    error.detail = std::move(detail);
    return error;
}

}  // namespace

std::string EncodeHeaderValue(const std::string& value) {
    if (IsAscii(value)) return value;
    std::string out;
    size_t i = 0;
    while (i < value.size()) {
        size_t end = std::min(i + kMaxEncodedChunk, value.size());
        // Back off to the start of a UTF-8 character so no character is split between words.
        while (end < value.size() && end > i && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80)
            --end;
        if (end == i) end = std::min(i + kMaxEncodedChunk, value.size());
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?";
        out += Base64(std::string_view(value).substr(i, end - i));
        out += "?=";
        i = end;
    }
    return out;
}

std::string ComposeEmail(const std::string& from, const std::string& to, const std::string& subject,
                         const std::string& body, const std::string& date, const std::string& message_id) {
    std::string m;
    m.reserve(body.size() + 512);
    m += "From: ";
    m += from;
    m += "\r\nTo: ";
    m += to;
    m += "\r\nSubject: ";
    m += EncodeHeaderValue(subject);
    m += "\r\nDate: ";
    m += date;
    m += "\r\nMessage-ID: ";
    m += message_id;
    m += "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n";
    m += "Content-Transfer-Encoding: 8bit\r\n\r\n";
    m += ToCrlf(body);
    if (m.size() < 2 || m.compare(m.size() - 2, 2, "\r\n") != 0) m += "\r\n";
    return m;
}

core::Result<void> SendEmail(const SmtpSettings& settings, const std::string& to, const std::string& subject,
                             const std::string& body) {
    if (!IsEmailAddress(to)) return core::Error::Invalid("not an e-mail address", "to");
    if (!IsEmailAddress(settings.from)) return core::Error::Invalid("not an e-mail address", "from");
    if (HasLineBreak(subject)) return core::Error::Invalid("a subject must be one line", "subject");
    if (body.size() > kMaxBody) return core::Error::Invalid("the message is too long", "body");

    const std::string message =
        ComposeEmail(settings.from, to, subject, body, RfcDate(std::chrono::system_clock::now()),
                     NewMessageId(settings.from));

    GlobalInit();
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) return Unavailable("libcurl could not start a request");
    CURL* h = curl.get();
    std::string mail_from = "<" + settings.from + ">";
    std::string rcpt = "<" + to + ">";
    curl_slist* recipients = curl_slist_append(nullptr, rcpt.c_str());
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt_guard(recipients, &curl_slist_free_all);
    Upload upload{message};

    curl_easy_setopt(h, CURLOPT_URL, settings.url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, settings.timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, settings.timeout_ms);
    // STARTTLS when offered; required when a password would otherwise cross the network in clear.
    curl_easy_setopt(
        h, CURLOPT_USE_SSL,
        static_cast<long>(!settings.username.empty() && !IsLoopback(settings.url) ? CURLUSESSL_ALL
                                                                                  : CURLUSESSL_TRY));
    if (!settings.username.empty()) {
        curl_easy_setopt(h, CURLOPT_USERNAME, settings.username.c_str());
        curl_easy_setopt(h, CURLOPT_PASSWORD, settings.password.c_str());
    }
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from.c_str());
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, &ReadUpload);
    curl_easy_setopt(h, CURLOPT_READDATA, &upload);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));

    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        long code = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        std::string detail = "smtp: ";
        detail += curl_easy_strerror(rc);
        if (code) {
            detail += " (server answered ";
            detail += std::to_string(code);
            detail += ')';
        }
        return Unavailable(std::move(detail));
    }
    return core::Ok();
}

}  // namespace andel::notify
