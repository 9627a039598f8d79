#include "cli/bench_search.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "app/catalogue/catalogue_service.hpp"
#include "app/demo/generator.hpp"
#include "core/catalogue/ean.hpp"
#include "core/clock.hpp"
#include "core/offers/purchase_generator.hpp"
#include "store/migrator.hpp"

namespace andel::cli {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// --- the generated catalogue -----------------------------------------------------------------------------

struct Size {
    const char* text;  // as printed
    double quantity;   // in the comparison unit
    const char* unit;  // kg, l, piece, wash
};

struct Sub {
    const char* name;
    std::vector<const char*> bases;     // product kinds, lower case ("mellanmjölk")
    std::vector<const char*> variants;  // flavours, fat, cut ("vanilj", "1,5%"); may be empty
    std::vector<Size> sizes;
    int64_t price_lo, price_hi;  // öre a package (a kg when weighed)
    const char* allergen;        // a label every product has, or nullptr
    bool weighable = false;      // some are sold by weight
    bool dairy = false;          // "laktosfri" applies
    bool gluten = false;         // "glutenfri" applies
};

struct Top {
    const char* name;
    std::vector<Sub> subs;
};

const std::vector<Size> kLitres = {
    {"1 l", 1.0, "l"}, {"1,5 l", 1.5, "l"}, {"0,5 l", 0.5, "l"}, {"2 l", 2, "l"}};
const std::vector<Size> kGrams = {
    {"500 g", 0.5, "kg"}, {"1 kg", 1.0, "kg"}, {"250 g", 0.25, "kg"}, {"750 g", 0.75, "kg"}};
const std::vector<Size> kSmallGrams = {
    {"100 g", 0.1, "kg"}, {"200 g", 0.2, "kg"}, {"150 g", 0.15, "kg"}, {"300 g", 0.3, "kg"}};
const std::vector<Size> kPieces = {
    {"6 st", 6, "piece"}, {"12 st", 12, "piece"}, {"4 st", 4, "piece"}, {"1 st", 1, "piece"}};
const std::vector<Size> kBottles = {
    {"33 cl", 0.33, "l"}, {"1,5 l", 1.5, "l"}, {"6 x 33 cl", 1.98, "l"}, {"50 cl", 0.5, "l"}};

const std::vector<Top>& Tree() {
    static const std::vector<Top> tree = {
        {"Mejeri & ägg",
         {{"Mjölk",
           {"mellanmjölk", "standardmjölk", "lättmjölk", "minimjölk", "havredryck", "sojadryck"},
           {"1,5%", "3%", "0,5%", "barista", "choklad"},
           kLitres,
           1195,
           2495,
           "milk",
           false,
           true},
          {"Fil & yoghurt",
           {"filmjölk", "yoghurt", "kvarg", "turkisk yoghurt", "långfil", "mellanfil"},
           {"naturell", "vanilj", "jordgubb", "blåbär", "hallon", "mango", "päron"},
           kGrams,
           1495,
           3995,
           "milk",
           false,
           true},
          {"Ost",
           {"hushållsost", "grevéost", "prästost", "herrgårdsost", "mozzarella", "fetaost", "brie", "cheddar",
            "parmesan", "halloumi"},
           {"lagrad", "mild", "skivad", "riven", "17%"},
           kGrams,
           2995,
           12995,
           "milk",
           false,
           true},
          {"Smör & margarin",
           {"smör", "bregott", "matfett", "margarin", "flytande margarin"},
           {"normalsaltat", "osaltat", "70%", "40%"},
           kGrams,
           2495,
           6995,
           "milk",
           false,
           true},
          {"Ägg",
           {"ägg", "frigående ägg", "ekoägg", "hönsägg"},
           {"medium", "large"},
           kPieces,
           2495,
           5995,
           "egg"},
          {"Grädde",
           {"vispgrädde", "matlagningsgrädde", "crème fraiche", "gräddfil", "kaffegrädde"},
           {"15%", "36%", "40%", "örter"},
           kLitres,
           1495,
           3495,
           "milk",
           false,
           true}}},
        {"Frukt & grönt",
         {{"Frukt",
           {"äpple", "päron", "banan", "apelsin", "citron", "clementin", "kiwi", "mango", "vindruvor",
            "persika", "nektarin", "ananas"},
           {"royal gala", "granny smith", "ingrid marie", "kärnfria", "gröna", "röda"},
           kGrams,
           1995,
           4995,
           nullptr,
           true},
          {"Grönsaker",
           {"gurka", "tomat", "körsbärstomat", "paprika", "morot", "gul lök", "rödlök", "broccoli", "blomkål",
            "zucchini", "purjolök", "vitlök"},
           {"röd", "gul", "grön", "kvist", "babymorötter"},
           kGrams,
           1495,
           4995,
           nullptr,
           true},
          {"Potatis & rotfrukter",
           {"potatis", "färskpotatis", "sötpotatis", "rödbetor", "palsternacka", "kålrot", "rotselleri"},
           {"fast", "mjölig", "tvättad", "king edward", "amandine"},
           kGrams,
           995,
           3495,
           nullptr,
           true},
          {"Sallad & örter",
           {"isbergssallad", "ruccola", "babyspenat", "romansallad", "basilika", "persilja", "dill",
            "gräslök", "koriander"},
           {"i kruka", "plockad", "mix"},
           kSmallGrams,
           1495,
           3995,
           nullptr},
          {"Bär",
           {"blåbär", "hallon", "jordgubbar", "lingon", "björnbär", "vinbär"},
           {},
           kSmallGrams,
           2495,
           5995,
           nullptr}}},
        {"Bröd & bageri",
         {{"Matbröd",
           {"rågbröd", "fullkornsbröd", "limpa", "surdegsbröd", "formbröd", "toastbröd", "rostbröd",
            "baguette", "tunnbröd"},
           {"skivat", "osötat", "frön", "havre", "vete"},
           kGrams,
           1995,
           4995,
           "gluten",
           false,
           false,
           true},
          {"Knäckebröd",
           {"knäckebröd", "rågknäcke", "frökex", "skorpor"},
           {"tunt", "sesam", "havre"},
           kGrams,
           1995,
           3995,
           "gluten",
           false,
           false,
           true},
          {"Kaffebröd",
           {"kanelbulle", "kardemummabulle", "mazarin", "sockerkaka", "chokladboll", "wienerbröd",
            "kladdkaka"},
           {"mini", "fryst", "färsk"},
           kSmallGrams,
           1995,
           5995,
           "gluten",
           false,
           false,
           true},
          {"Tortilla & pitabröd",
           {"tortilla", "pitabröd", "naanbröd", "wraps"},
           {"fullkorn", "original"},
           kSmallGrams,
           1495,
           3495,
           "gluten",
           false,
           false,
           true}}},
        {"Kött & chark",
         {{"Nötkött",
           {"nötfärs", "entrecôte", "högrev", "rostbiff", "oxfilé", "grytbitar"},
           {"10%", "12%", "skivad", "marinerad"},
           kGrams,
           5995,
           29995,
           nullptr},
          {"Fläsk",
           {"fläskfilé", "fläskkotlett", "bacon", "sidfläsk", "fläskfärs", "kassler"},
           {"skivad", "rimmad", "rökt", "marinerad"},
           kGrams,
           2995,
           12995,
           nullptr},
          {"Kyckling",
           {"kycklingfilé", "kycklinglårfilé", "hel kyckling", "kycklingvingar", "kycklingklubbor",
            "kycklingfärs"},
           {"fryst", "färsk", "marinerad", "grillad"},
           kGrams,
           3995,
           14995,
           nullptr},
          {"Korv",
           {"falukorv", "prinskorv", "grillkorv", "chorizo", "isterband", "wienerkorv"},
           {"original", "ost", "chili", "rökt"},
           kGrams,
           2495,
           6995,
           nullptr},
          {"Pålägg",
           {"skinka", "rökt skinka", "salami", "kalkonbröst", "leverpastej", "rostbiff", "hamburgerkött"},
           {"skivad", "tunnskivad", "mild", "grov"},
           kSmallGrams,
           1995,
           4995,
           nullptr}}},
        {"Fisk & skaldjur",
         {{"Färsk fisk",
           {"laxfilé", "torskfilé", "sejfilé", "regnbågslax", "rödspätta", "gravad lax"},
           {"benfri", "med skinn", "portionsbitar"},
           kGrams,
           4995,
           24995,
           "fish"},
          {"Fryst fisk",
           {"fiskpinnar", "panerad fisk", "torskrygg", "fiskgratäng", "fiskbullar"},
           {"fryst", "naturell", "dill"},
           kGrams,
           2995,
           9995,
           "fish"},
          {"Skaldjur",
           {"räkor", "kräftor", "musslor", "hummer", "krabba"},
           {"skalade", "i lake", "frysta"},
           kGrams,
           4995,
           29995,
           "shellfish"},
          {"Sill & konserver",
           {"inlagd sill", "senapssill", "tonfisk", "makrill i tomatsås", "kaviar", "ansjovis", "sardiner"},
           {"i olja", "i vatten", "original", "mild"},
           kSmallGrams,
           1495,
           4995,
           "fish"}}},
        {"Skafferi",
         {{"Pasta",
           {"spaghetti", "penne", "fusilli", "makaroner", "lasagneplattor", "tagliatelle", "snabbmakaroner"},
           {"fullkorn", "dinkel", "färsk", "original"},
           kGrams,
           995,
           3995,
           "gluten",
           false,
           false,
           true},
          {"Ris & gryn",
           {"jasminris", "basmatiris", "långkornigt ris", "bulgur", "couscous", "havregryn", "matvete",
            "risgrynsgröt"},
           {"fullkorn", "snabb", "kokpåse"},
           kGrams,
           1495,
           4995,
           nullptr,
           false,
           false,
           true},
          {"Mjöl & bakning",
           {"vetemjöl", "rågmjöl", "strösocker", "bakpulver", "torrjäst", "florsocker", "vaniljsocker",
            "kakao"},
           {"special", "grahams", "fin"},
           kGrams,
           995,
           3995,
           nullptr,
           false,
           false,
           true},
          {"Konserver",
           {"krossade tomater", "kikärtor", "kidneybönor", "majs", "vita bönor", "tomatpuré", "kokosmjölk"},
           {"basilika", "vitlök", "ekologiska", "original"},
           kSmallGrams,
           995,
           2995,
           nullptr},
          {"Kryddor",
           {"salt", "svartpeppar", "paprikapulver", "kanel", "oregano", "curry", "vitpeppar", "kryddpeppar",
            "chiliflakes"},
           {"malen", "hel", "påse", "burk"},
           kSmallGrams,
           1495,
           3995,
           nullptr},
          {"Såser & dressing",
           {"ketchup", "senap", "majonnäs", "soja", "bearnaisesås", "sweet chili", "vinägrett",
            "hovmästarsås"},
           {"original", "stark", "light", "mild"},
           kSmallGrams,
           1495,
           4495,
           nullptr}}},
        {"Frys",
         {{"Frysta grönsaker",
           {"gröna ärtor", "wokgrönsaker", "spenat", "haricots verts", "grönsaksblandning", "sojabönor"},
           {"fryst", "hackad", "bladspenat"},
           kGrams,
           1495,
           3995,
           nullptr},
          {"Glass",
           {"glass", "gräddglass", "sorbet", "glasspinne", "strut", "mjukglass"},
           {"vanilj", "choklad", "jordgubb", "päron", "kola", "lakrits"},
           kLitres,
           2495,
           6995,
           "milk",
           false,
           true},
          {"Färdigrätter",
           {"pizza", "lasagne", "pannkakor", "köttbullar", "pytt i panna", "kåldolmar", "pirog",
            "vegobullar"},
           {"fryst", "familjeförpackning", "klassisk", "vegetarisk"},
           kGrams,
           2995,
           7995,
           nullptr,
           false,
           false,
           true},
          {"Frysta bär",
           {"blåbär", "hallon", "lingon", "jordgubbar", "bärmix", "havtorn"},
           {"frysta"},
           kGrams,
           2495,
           6995,
           nullptr}}},
        {"Dryck",
         {{"Kaffe",
           {"bryggkaffe", "mellanrost", "mörkrost", "espresso", "snabbkaffe", "kaffebönor", "kokkaffe"},
           {"hela bönor", "finmalet", "ekologiskt", "koffeinfritt"},
           kGrams,
           3995,
           9995,
           nullptr},
          {"Te",
           {"grönt te", "svart te", "rooibos", "örtte", "earl grey", "kamomillte"},
           {"påsar", "löste", "citron", "ingefära"},
           kSmallGrams,
           1995,
           4995,
           nullptr},
          {"Juice",
           {"apelsinjuice", "äppeljuice", "smoothie", "multijuice", "grapefruktjuice"},
           {"med fruktkött", "utan fruktkött", "färskpressad"},
           kLitres,
           1995,
           4495,
           nullptr},
          {"Läsk & vatten",
           {"mineralvatten", "kolsyrat vatten", "cola", "apelsinläsk", "sockerdricka", "julmust",
            "päronsoda"},
           {"citron", "lime", "sockerfri", "zero"},
           kBottles,
           995,
           4995,
           nullptr},
          {"Saft",
           {"flädersaft", "hallonsaft", "lingondricka", "blåbärssoppa", "nyponsoppa"},
           {"koncentrat", "osötad", "färdig att dricka"},
           kLitres,
           1995,
           4495,
           nullptr}}},
        {"Godis & snacks",
         {{"Choklad",
           {"mjölkchoklad", "mörk choklad", "chokladkaka", "praliner", "chokladbit"},
           {"70%", "nötter", "mint", "apelsin", "havssalt"},
           kSmallGrams,
           1495,
           4995,
           "milk"},
          {"Godis",
           {"lösgodis", "lakrits", "gelégodis", "kola", "skumgodis", "tuggummi"},
           {"sur", "salt", "sockerfri", "mix"},
           kSmallGrams,
           995,
           3995,
           nullptr},
          {"Chips & nötter",
           {"chips", "ostbågar", "jordnötter", "cashewnötter", "popcorn", "mandlar", "tortillachips"},
           {"salta", "gräddfil", "dill", "saltade", "rostade"},
           kSmallGrams,
           1495,
           4495,
           "nuts"},
          {"Kex & kakor",
           {"digestive", "havrekakor", "chokladkex", "drömmar", "ballerina", "pepparkakor", "mariekex"},
           {"choklad", "original", "mörk"},
           kSmallGrams,
           1495,
           3995,
           "gluten",
           false,
           false,
           true}}},
        {"Hushåll",
         {{"Tvätt",
           {"tvättmedel", "sköljmedel", "fläckborttagning", "kulörtvätt", "vittvätt"},
           {"parfymfri", "flytande", "pulver", "sensitive"},
           {{"1 l", 20, "wash"}, {"2 l", 40, "wash"}, {"750 g", 15, "wash"}},
           3995,
           12995,
           nullptr},
          {"Disk",
           {"diskmedel", "maskindisk", "disksvamp", "diskborste", "spolglans"},
           {"citron", "parfymfri", "tabletter", "sensitive"},
           kPieces,
           1995,
           6995,
           nullptr},
          {"Papper",
           {"toalettpapper", "hushållspapper", "servetter", "näsdukar"},
           {"extra mjukt", "återvunnet", "stora rullar"},
           kPieces,
           1995,
           7995,
           nullptr},
          {"Städ",
           {"allrengöring", "fönsterputs", "soppåsar", "wc-rent", "grillkol", "stearinljus"},
           {"parfymfri", "citron", "spray"},
           kPieces,
           1995,
           5995,
           nullptr}}},
        {"Hälsa & skönhet",
         {{"Hårvård",
           {"schampo", "balsam", "hårspray", "hårinpackning"},
           {"torrt hår", "färgat hår", "mild", "parfymfri"},
           kPieces,
           2995,
           8995,
           nullptr},
          {"Hudvård",
           {"handkräm", "bodylotion", "tvål", "duschtvål", "deodorant", "solkräm"},
           {"parfymfri", "sensitive", "aloe vera", "spf 30"},
           kPieces,
           2495,
           9995,
           nullptr},
          {"Tandvård",
           {"tandkräm", "tandborste", "tandtråd", "munskölj"},
           {"mjuk", "medium", "fluor", "vit"},
           kPieces,
           1995,
           6995,
           nullptr},
          {"Apotek",
           {"värktabletter", "plåster", "halstabletter", "vitaminer", "näsmusslor"},
           {"brustabletter", "barn", "vuxen"},
           kPieces,
           2995,
           9995,
           nullptr}}},
        {"Barn",
         {{"Barnmat",
           {"barngröt", "välling", "klämmis", "barnmat", "majskrokar", "fruktpuré"},
           {"från 6 månader", "från 8 månader", "banan", "äpple", "päron"},
           kSmallGrams,
           1495,
           4495,
           nullptr},
          {"Blöjor & tillbehör",
           {"blöjor", "byxblöjor", "våtservetter", "nappflaska"},
           {"storlek 3", "storlek 4", "storlek 5", "parfymfri"},
           kPieces,
           4995,
           19995,
           nullptr}}}};
    return tree;
}

const std::vector<const char*> kBrands = {
    "Andel",      "Andel Eko",       "Fjällgården",  "Skogsbacken", "Solstrand",       "Vikingakvarn",
    "Lantgården", "Gröna dalen",     "Havsbris",     "Smakriket",   "Bergslagsbagarn", "Österlenodlarna",
    "Kustfisk",   "Bagarstugan",     "Mejerigården", "Källdal",     "Norrsken",        "Sjöbo",
    "Ängsmark",   "Guldkorn",        "Björkhaga",    "Rosendal",    "Hälsans kök",     "Nordkost",
    "Vildmark",   "Kvarnbacken",     "Lilla köket",  "Hemmagott",   "Vita hem",        "Dagsfärsk",
    "Sundby",     "Gotlandsodlarna", "Lövånger",     "Ljusnan",     "Frostgården",     "Rödbergs",
    "Tre kronor", "Fröjda",          "Alvesta",      "Hälsingegård"};

struct Qualifier {
    const char* word;
    const char* label;
    enum { kAny, kDairy, kGluten, kFood } applies;
};
const std::vector<Qualifier> kQualifiers = {{"ekologisk", "organic", Qualifier::kFood},
                                            {"svensk", "swedish", Qualifier::kFood},
                                            {"laktosfri", "lactose-free", Qualifier::kDairy},
                                            {"glutenfri", "gluten-free", Qualifier::kGluten},
                                            {"vegansk", "vegan", Qualifier::kFood},
                                            {"klassisk", nullptr, Qualifier::kAny},
                                            {"extra", nullptr, Qualifier::kAny},
                                            {"familjepack", nullptr, Qualifier::kAny}};

// The first letter in upper case (ASCII, and å ä ö é as two-byte UTF-8).
std::string Capitalised(std::string s) {
    if (s.empty()) return s;
    if (s[0] >= 'a' && s[0] <= 'z') {
        s[0] = static_cast<char>(s[0] - 'a' + 'A');
    } else if (s.size() > 1 && static_cast<unsigned char>(s[0]) == 0xC3) {
        const auto c = static_cast<unsigned char>(s[1]);
        if (c >= 0xA0 && c <= 0xBE) s[1] = static_cast<char>(c - 0x20);
    }
    return s;
}

std::string Lower(std::string s) {
    for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 'A' && c <= 'Z') {
            s[i] = static_cast<char>(c - 'A' + 'a');
        } else if (c == 0xC3 && i + 1 < s.size()) {
            const auto d = static_cast<unsigned char>(s[i + 1]);
            if (d >= 0x80 && d <= 0x9E) s[i + 1] = static_cast<char>(d + 0x20);
            ++i;
        }
    }
    return s;
}

// The words of a text that a shopper would type: runs of letters (UTF-8 included) of at least 2 bytes.
std::vector<std::string> LetterWords(const std::string& text) {
    std::vector<std::string> out;
    std::string w;
    auto flush = [&] {
        if (w.size() >= 2) out.push_back(Lower(w));
        w.clear();
    };
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            w += ch;
        else
            flush();
    }
    flush();
    return out;
}

// The first `n` characters (code points) of a UTF-8 word, and how many it has.
size_t CodePoints(const std::string& w) {
    size_t n = 0;
    for (char ch : w) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
    return n;
}
std::string FirstCodePoints(const std::string& w, size_t n) {
    size_t i = 0, seen = 0;
    for (; i < w.size(); ++i)
        if ((static_cast<unsigned char>(w[i]) & 0xC0) != 0x80 && seen++ == n) break;
    return w.substr(0, i);
}

std::string Ean13(int64_t product) {
    // 735 (GS1 Sweden), then nine digits scattered over the range (7919 is prime to 10^9: no two collide).
    char body[48];
    std::snprintf(body, sizeof body, "735%09lld",
                  static_cast<long long>((product * 7919 + 104729) % 1'000'000'000));
    int sum = 0;
    for (int i = 0; i < 12; ++i) sum += (body[i] - '0') * (i % 2 == 0 ? 1 : 3);
    return std::string(body, 12) + char('0' + (10 - sum % 10) % 10);
}

std::string CsvField(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

struct GenProduct {
    size_t top = 0, sub = 0;
    std::string name, brand;
};

struct Catalogue {
    std::vector<GenProduct> products;
    std::string csv;
    int64_t some_stores = 0;  // products sold in only some stores
};

Catalogue Generate(const BenchSearchOptions& options, const std::vector<std::string>& store_codes) {
    core::SplitMix rng(options.seed * 1'000'003 + 17);
    const auto& tree = Tree();
    std::vector<std::pair<size_t, size_t>> subs;
    for (size_t t = 0; t < tree.size(); ++t)
        for (size_t s = 0; s < tree[t].subs.size(); ++s) subs.emplace_back(t, s);
    Catalogue out;
    std::ostringstream csv;
    csv << "ean,name,brand,size,unit_price_minor,comparison_price_minor,comparison_unit,category,labels,"
           "weighed,age_limit,stores\n";
    auto pick = [&](size_t n) { return static_cast<size_t>(rng.Between(0, static_cast<int64_t>(n) - 1)); };
    for (int64_t i = 0; i < options.products; ++i) {
        const auto [t, s] = subs[pick(subs.size())];
        const Sub& sub = tree[t].subs[s];
        std::vector<std::string> labels;
        if (sub.allergen) labels.push_back(sub.allergen);
        std::string name;
        if (rng.Uniform() < 0.3) {
            const Qualifier& q = kQualifiers[pick(kQualifiers.size())];
            const bool applies =
                q.applies == Qualifier::kAny || (q.applies == Qualifier::kDairy && sub.dairy) ||
                (q.applies == Qualifier::kGluten && sub.gluten) || (q.applies == Qualifier::kFood && t < 9);
            if (applies) {
                name = std::string(q.word) + " ";
                if (q.label) labels.push_back(q.label);
            }
        }
        name += sub.bases[pick(sub.bases.size())];
        if (!sub.variants.empty() && rng.Uniform() < 0.6)
            name += std::string(" ") + sub.variants[pick(sub.variants.size())];
        name = Capitalised(name);
        const std::string brand = rng.Uniform() < 0.15 ? "Andel" : kBrands[pick(kBrands.size())];
        const bool weighed = sub.weighable && rng.Uniform() < 0.4;
        const Size& size = weighed ? Size{"", 1.0, "kg"} : sub.sizes[pick(sub.sizes.size())];
        const int64_t price = rng.Between(sub.price_lo / 5, sub.price_hi / 5) * 5;
        const auto comparison = static_cast<int64_t>(static_cast<double>(price) / size.quantity + 0.5);
        std::string stores;
        if (rng.Uniform() < 0.15 && !store_codes.empty()) {  // a local or trial product: 1-3 stores
            ++out.some_stores;
            for (int64_t n = rng.Between(1, 3); n > 0; --n)
                stores += (stores.empty() ? "" : "|") + store_codes[pick(store_codes.size())];
        }
        std::sort(labels.begin(), labels.end());
        std::string label_field;
        for (const auto& l : labels) label_field += (label_field.empty() ? "" : "|") + l;
        csv << Ean13(i + 1) << ',' << CsvField(name) << ',' << CsvField(brand) << ',' << CsvField(size.text)
            << ',' << price << ',' << comparison << ',' << size.unit << ','
            << CsvField(std::string(tree[t].name) + " > " + sub.name) << ',' << label_field << ','
            << (weighed ? "true" : "") << ",," << stores << '\n';
        out.products.push_back({t, s, name, brand});
    }
    out.csv = csv.str();
    return out;
}

// --- the queries -------------------------------------------------------------------------------------------

enum Kind { kOneWord, kTwoWords, kWordsInCategory, kBrowse, kStartPage, kKinds };
constexpr const char* kKindNames[kKinds] = {"one word", "two words", "words + category", "category, no words",
                                            "start page (12)"};

struct SearchQuery {
    Kind kind;
    std::string text;
    std::optional<std::string> category;
};

std::string TopCode(size_t t) { return core::CategorySlug(Tree()[t].name); }
std::string SubCode(size_t t, size_t s) {
    return TopCode(t) + "-" + core::CategorySlug(Tree()[t].subs[s].name);
}

std::vector<SearchQuery> MakeQueries(const Catalogue& cat, int64_t n, uint64_t seed) {
    core::SplitMix rng(seed * 7'777'777 + 5);
    const auto& tree = Tree();
    auto pick = [&](size_t size) {
        return static_cast<size_t>(rng.Between(0, static_cast<int64_t>(size) - 1));
    };
    // Every word of the vocabulary once, for the shopper who types something rare.
    std::vector<std::string> vocabulary;
    for (const auto& top : tree)
        for (const auto& sub : top.subs) {
            for (const char* b : sub.bases)
                for (auto& w : LetterWords(b)) vocabulary.push_back(w);
            for (const char* v : sub.variants)
                for (auto& w : LetterWords(v)) vocabulary.push_back(w);
        }
    for (const char* b : kBrands)
        for (auto& w : LetterWords(b)) vocabulary.push_back(w);
    for (const auto& q : kQualifiers) vocabulary.push_back(q.word);
    std::sort(vocabulary.begin(), vocabulary.end());
    vocabulary.erase(std::unique(vocabulary.begin(), vocabulary.end()), vocabulary.end());
    // As typed: a prefix of the last word a third of the time ("mjö", "ekolo").
    auto typed = [&](std::string w) {
        const size_t len = CodePoints(w);
        if (len >= 5 && rng.Uniform() < 0.35)
            return FirstCodePoints(w, static_cast<size_t>(rng.Between(3, static_cast<int64_t>(len) - 1)));
        return w;
    };
    auto words_of = [&](const GenProduct& p) {
        auto w = LetterWords(p.name);
        if (w.empty() || rng.Uniform() < 0.15) w = LetterWords(p.brand);
        return w;
    };
    std::vector<SearchQuery> out;
    for (int64_t i = 0; i < n; ++i) {
        const double u = rng.Uniform();
        SearchQuery q{u < 0.45   ? kOneWord
                      : u < 0.65 ? kTwoWords
                      : u < 0.80 ? kWordsInCategory
                      : u < 0.95 ? kBrowse
                                 : kStartPage,
                      "",
                      {}};
        const GenProduct& p = cat.products[pick(cat.products.size())];
        if (q.kind == kOneWord) {
            q.text = rng.Uniform() < 0.3 ? typed(vocabulary[pick(vocabulary.size())]) : [&] {
                auto w = words_of(p);
                return typed(w[pick(w.size())]);
            }();
        } else if (q.kind == kTwoWords) {
            auto w = LetterWords(p.name);
            if (w.size() < 2) w.insert(w.begin(), LetterWords(p.brand)[0]);
            const size_t first = pick(w.size() - 1);
            q.text = w[first] + " " + typed(w[first + 1]);
        } else if (q.kind == kWordsInCategory) {
            auto w = words_of(p);
            q.text = typed(w[pick(w.size())]);
            q.category = rng.Uniform() < 0.5 ? TopCode(p.top) : SubCode(p.top, p.sub);
        } else if (q.kind == kBrowse) {
            const size_t t = pick(tree.size());
            q.category = rng.Uniform() < 0.4 ? TopCode(t) : SubCode(t, pick(tree[t].subs.size()));
        }
        out.push_back(std::move(q));
    }
    return out;
}

// --- the database ------------------------------------------------------------------------------------------

// A new SQLite file, or a new schema in the PostgreSQL database of the URL; removed at the end.
class BenchDatabase {
  public:
    BenchDatabase(const std::string& url, bool keep) : keep_(keep) {
        if (url.empty()) {
            path_ = "/tmp/andel-bench-search-" + std::to_string(getpid()) + ".db";
            Remove();
            db_ = store::Open("sqlite:" + path_);
        } else if (url.starts_with("postgres")) {
            admin_ = store::Open(url);
            schema_ = "andel_bench_search_" + std::to_string(getpid());
            admin_->Write()->ExecScript("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE; CREATE SCHEMA " +
                                        schema_);
            db_ = store::Open(url + (url.find('?') == std::string::npos ? "?" : "&") +
                              "options=-csearch_path%3D" + schema_);
        } else {
            db_ = store::Open(url);  // a SQLite file of the caller's: it must be empty
        }
    }
    ~BenchDatabase() {
        db_.reset();
        try {
            if (admin_ && !keep_)
                admin_->Write()->ExecScript("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
        } catch (const std::exception& e) {
            std::fprintf(stderr, "andel: could not drop the schema %s: %s\n", schema_.c_str(), e.what());
        }
        Remove();
    }
    BenchDatabase(const BenchDatabase&) = delete;
    BenchDatabase& operator=(const BenchDatabase&) = delete;
    store::Database& db() { return *db_; }
    std::string where() const {
        return !schema_.empty() ? "schema " + schema_ : !path_.empty() ? path_ : "the given database";
    }

  private:
    void Remove() {
        if (!path_.empty() && !keep_)
            for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
    }
    bool keep_;
    std::string path_, schema_;
    std::unique_ptr<store::Database> admin_, db_;
};

struct Latency {
    std::vector<double> ms;
    double At(double q) const {  // nearest rank
        if (ms.empty()) return 0;
        std::vector<double> s = ms;
        std::sort(s.begin(), s.end());
        const auto rank = static_cast<size_t>(std::max(1.0, std::ceil(q * static_cast<double>(s.size()))));
        return s[std::min(rank, s.size()) - 1];
    }
    double Max() const { return ms.empty() ? 0 : *std::max_element(ms.begin(), ms.end()); }
    double Mean() const {
        double sum = 0;
        for (double m : ms) sum += m;
        return ms.empty() ? 0 : sum / static_cast<double>(ms.size());
    }
};

void PrintLatency(const char* what, const Latency& l) {
    std::printf("  %-24s %5zu queries  p50 %6.2f  p95 %6.2f  p99 %6.2f  max %6.2f  mean %6.2f ms\n", what,
                l.ms.size(), l.At(0.50), l.At(0.95), l.At(0.99), l.Max(), l.Mean());
}

}  // namespace

int BenchSearch(const app::Config& cfg, const BenchSearchOptions& options) {
    if (!cfg.markets.count(options.market)) {
        std::fprintf(stderr, "andel: no market %s is configured\n", options.market.c_str());
        return 2;
    }
    std::map<std::string, core::MarketRules> markets;
    markets.emplace(options.market, cfg.markets.at(options.market));
    core::FixedClock clock(core::FromMillis(1'795'435'200'000));  // 2026-11-23T12:00:00Z
    const int64_t now = core::ToMillis(clock.Now());

    BenchDatabase bench(options.database, options.keep);
    store::Database& db = bench.db();
    store::Migrate(db, now);
    app::EnsureReferenceData(db, markets, now);  // the market's cooperatives and stores
    std::vector<std::string> store_codes;
    std::string version;
    {
        auto c = db.Read();
        for (const auto& r :
             c->Query("SELECT s.code FROM stores s JOIN cooperatives c ON c.id = s.cooperative_id "
                      "WHERE c.market = $1 ORDER BY s.id",
                      {store::Text(options.market)}))
            store_codes.push_back(r.Text(0));
        version =
            c->QueryOne(db.engine() == store::Engine::kSqlite ? "SELECT sqlite_version()"
                                                              : "SELECT current_setting('server_version')")
                ->Text(0);
    }
    if (store_codes.empty()) {
        std::fprintf(stderr, "andel: market %s has no stores\n", options.market.c_str());
        return 1;
    }
    // The portal searches the assortment of its organisation's store (q.store_code): the first store here,
    // se-vasteras-1 in Sweden, as the demo's portal organisation.
    const std::string store_code = store_codes.front();
    const std::string engine = std::string(store::EngineName(db.engine()));
    std::printf("andel bench search (seed %llu, market %s, %s %s, %s)\n",
                static_cast<unsigned long long>(options.seed), options.market.c_str(), engine.c_str(),
                version.c_str(), bench.where().c_str());

    auto started = Clock::now();
    const Catalogue cat = Generate(options, store_codes);
    const double generate_seconds = Since(started);
    started = Clock::now();
    app::CatalogueService catalogue(db, clock, markets);
    std::istringstream in(cat.csv);
    auto report = catalogue.Import(in, {options.market, "csv", false, false}, "bench");
    if (!report) {
        std::fprintf(stderr, "andel: the import failed: %s\n", report.error().detail.c_str());
        return 1;
    }
    const double import_seconds = Since(started);
    if (report->refused > 0) {
        std::fprintf(stderr, "andel: the import refused %lld rows, the first: line %lld %s: %s\n",
                     static_cast<long long>(report->refused),
                     static_cast<long long>(report->problems.front().line),
                     report->problems.front().field.c_str(), report->problems.front().detail.c_str());
        return 1;
    }
    double analyze_seconds = 0;
    if (db.engine() == store::Engine::kPostgres) {  // what autovacuum does soon after such an import, at once
        started = Clock::now();
        db.Write()->ExecScript("VACUUM ANALYZE");
        analyze_seconds = Since(started);
    }
    char analyzed[512] = "";
    if (analyze_seconds > 0)
        std::snprintf(analyzed, sizeof analyzed, ", then VACUUM ANALYZE in %.1f s", analyze_seconds);
    int64_t categories = 0, in_store = 0;
    {
        auto c = db.Read();
        categories = c->QueryOne("SELECT COUNT(*) FROM catalogue_categories WHERE market = $1",
                                 {store::Text(options.market)})
                         ->Int(0);
        app::CatalogueService::Query all;
        all.market = options.market;
        all.store_code = store_code;
        all.limit = 1;
        in_store = catalogue.Search(all)->total;
    }
    std::printf(
        "catalogue: %lld products (%lld sold in only 1-3 stores) in %lld categories (%zu at the top), "
        "a CSV of %.1f MB generated in %.1f s and imported through CatalogueService::Import in %.1f s%s\n",
        static_cast<long long>(report->created), static_cast<long long>(cat.some_stores),
        static_cast<long long>(categories), Tree().size(), static_cast<double>(cat.csv.size()) / 1e6,
        generate_seconds, import_seconds, analyzed);
    std::printf("store %s sells %lld of them\n", store_code.c_str(), static_cast<long long>(in_store));
    std::fflush(stdout);

    // The portal's query (app::PortalService::Search): the organisation's market and store, the words and
    // category of the shop's search box and tree, 50 a page, the first page; and the shop's start page, whose
    // "current items" are the first 12 of the store's assortment (src/web/portal.cpp).
    auto run = [&](const SearchQuery& sq, app::ProductPage& page) {
        app::CatalogueService::Query q;
        q.market = options.market;
        q.text = sq.text;
        q.category_code = sq.category;
        q.store_code = store_code;
        q.limit = sq.kind == kStartPage ? 12 : 50;
        q.offset = 0;
        q.count = sq.kind != kStartPage;  // the start page shows no total (PortalService::CurrentItems)
        auto r = catalogue.Search(q);
        if (!r) throw std::runtime_error("search \"" + sq.text + "\" failed: " + r.error().detail);
        page = std::move(*r);
    };
    const auto warm_up = MakeQueries(cat, std::min<int64_t>(200, options.queries), options.seed + 1);
    for (const auto& q : warm_up) {
        app::ProductPage page;
        run(q, page);
    }
    const auto queries = MakeQueries(cat, options.queries, options.seed);
    Latency all, searches, by_kind[kKinds];
    uint64_t fingerprint = 1469598103934665603ull;  // FNV-1a over each page's total and product ids
    auto mix = [&](uint64_t v) {
        for (int i = 0; i < 8; ++i) fingerprint = (fingerprint ^ ((v >> (8 * i)) & 0xff)) * 1099511628211ull;
    };
    int64_t empty = 0, full_pages = 0;
    double hits = 0;
    started = Clock::now();
    for (const auto& q : queries) {
        app::ProductPage page;
        const auto t = Clock::now();
        run(q, page);
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t).count();
        all.ms.push_back(ms);
        by_kind[q.kind].ms.push_back(ms);
        if (q.kind != kStartPage) searches.ms.push_back(ms);
        mix(static_cast<uint64_t>(page.total));
        for (const auto& v : page.items) mix(static_cast<uint64_t>(v.product.id));
        empty += page.total == 0;
        full_pages += page.items.size() == (q.kind == kStartPage ? 12u : 50u);
        hits += static_cast<double>(page.total);
    }
    const double seconds = Since(started);
    std::printf(
        "%lld queries (after %zu to warm up), one thread, each CatalogueService::Search as the portal calls "
        "it "
        "(store %s, 50 a page): %.0f queries/s\n",
        static_cast<long long>(options.queries), warm_up.size(), store_code.c_str(),
        static_cast<double>(options.queries) / seconds);
    PrintLatency("all", all);
    PrintLatency("all but the start page", searches);
    for (int k = 0; k < kKinds; ++k) PrintLatency(kKindNames[k], by_kind[k]);
    std::printf(
        "results: %.0f matches on average, %lld queries with none, %lld with a full page; fingerprint "
        "%016llx\n",
        hits / static_cast<double>(std::max<int64_t>(1, options.queries)), static_cast<long long>(empty),
        static_cast<long long>(full_pages), static_cast<unsigned long long>(fingerprint));
    std::printf("examples:");
    for (size_t i = 0; i < std::min<size_t>(8, queries.size()); ++i)
        std::printf(" [%s%s%s]", queries[i].text.c_str(), queries[i].category ? " in " : "",
                    queries[i].category ? queries[i].category->c_str() : "");
    std::printf("\ntarget p99 < 20 ms (%s): %s\n", engine.c_str(), all.At(0.99) < 20 ? "met" : "NOT met");
    return 0;
}

}  // namespace andel::cli
